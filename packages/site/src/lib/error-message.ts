import { en } from '../i18n/en.js';
import { type Lang, type MessageKey, translate } from '../i18n/i18n.js';
import { formatRelativeSeconds } from './format.js';

/** What the message of a failure needs: its code and the details the service sent. */
export interface ErrorLike {
  readonly code: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

function isKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The message a person reads for a failure, in their language, from the
 * stable code (docs/errors.md) and its details: attempts left, when to try
 * again, how many blocks remain before a lock. Unknown codes get a generic
 * message that names the code.
 */
export function errorMessage(error: ErrorLike, lang: Lang): string {
  const details = error.details ?? {};
  const key =
    error.code === 'ERR_NETWORK'
      ? 'err.network'
      : error.code === 'ERR_BAD_RESPONSE'
        ? 'err.badResponse'
        : `err.${error.code}`;
  if (!isKey(key)) return translate(lang, 'err.unknown', { code: error.code });
  const parts = [translate(lang, key)];

  const attemptsLeft = count(details.attemptsLeft);
  if (attemptsLeft !== undefined) {
    parts.push(
      attemptsLeft === 0
        ? translate(lang, 'err.noAttemptsLeft')
        : translate(lang, 'err.attemptsLeft', { n: attemptsLeft }),
    );
  }
  const retryAfter = count(details.retryAfter);
  if (retryAfter !== undefined) {
    parts.push(translate(lang, 'err.retryIn', { when: formatRelativeSeconds(retryAfter, lang) }));
  }
  const blocksBeforeLock = count(details.blocksBeforeLock);
  if (blocksBeforeLock !== undefined) {
    parts.push(
      blocksBeforeLock === 0
        ? translate(lang, 'err.lastBlock')
        : translate(lang, 'err.blocksBeforeLock', { n: blocksBeforeLock }),
    );
  }
  return parts.join(' ');
}

/** True when the failure means the challenge can no longer be answered. */
export function challengeIsOver(error: ErrorLike): boolean {
  return (
    error.code === 'ERR_CHALLENGE_EXPIRED' ||
    error.code === 'ERR_CHALLENGE_CLOSED' ||
    error.code === 'ERR_LOGIN_NOT_FOUND' ||
    error.code === 'ERR_ACCOUNT_LOCKED' ||
    error.code === 'ERR_OPERATION_CONFIRMATION_INVALID' ||
    (error.code === 'ERR_RESPONSE_REJECTED' && error.details?.attemptsLeft === 0)
  );
}
