import { currentLang, type MessageKey } from '../i18n/i18n.js';
import { ApiError } from './api-error.js';
import { bind, focus, h, type Render, show, tr } from './dom.js';
import { challengeIsOver } from './error-message.js';
import { digitsOnly, formatTime, groupChallenge } from './format.js';
import {
  clearError,
  closeForm,
  errorBox,
  field,
  heading,
  showError,
  showProblem,
  whileBusy,
} from './forms.js';
import { qrImage } from './qr-view.js';
import { type WaitOutcome, waitForApproval } from './wait-approval.js';

/** A challenge as the service hands it out (a login, or a change of settings). */
export interface ChallengeInfo {
  readonly id: string;
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string | number;
  readonly waitToken?: string;
  readonly expiresAt: number;
  /** `sms`: a 6-digit code went by SMS instead of a challenge for the app. */
  readonly channel?: 'app' | 'sms';
}

/** What the panel does with the person's answers. */
export interface ChallengePanelOptions {
  readonly info: ChallengeInfo;
  readonly title: MessageKey;
  readonly submit: MessageKey;
  /**
   * Checks a typed response (or SMS code); throws the service's `ApiError` on refusal. Without
   * it the panel has no response field and says where to type the response (`typeElsewhere`).
   */
  verify?(response: string): Promise<void>;
  /** Where the response is typed when the panel has no field of its own. */
  readonly typeElsewhere?: Render;
  /**
   * Waits for the online approval; by default the login status is long-polled with the
   * challenge's wait token.
   */
  waitFor?(signal: AbortSignal, onTrouble: (trouble: boolean) => void): Promise<WaitOutcome | null>;
  /** The label of the restart button (default "Start again"). */
  readonly restartLabel?: MessageKey;
  /** After an online approval: redeems it; throws the service's `ApiError` on refusal. */
  redeem(): Promise<void>;
  /** Back to the first step (the typed input of that step is kept by the caller). */
  restart(): void;
}

/** The shown challenge: its element, and a way to stop waiting when leaving it. */
export interface ChallengePanel {
  readonly element: HTMLElement;
  readonly heading: HTMLHeadingElement;
  stop(): void;
}

/**
 * One confirmation step (PRODUCT.md flows 5, 7 and 8): the number to enter
 * in the app while the site waits for the online approval, the challenge as
 * digits (4+4) and as a QR code, and a field for the typed response; for the
 * SMS channel only the code field. It continues by itself once approved.
 */
export function challengePanel(options: ChallengePanelOptions): ChallengePanel {
  const { info } = options;
  const sms = info.channel === 'sms';
  const codeLength = sms ? 6 : 8;
  const controller = new AbortController();
  let finished = false;

  const title = heading('h2', options.title, 'challenge-heading');
  const errors = errorBox();
  const restart = h('button', {
    type: 'button',
    class: 'secondary',
    text: tr(options.restartLabel ?? 'common.startAgain'),
    testid: 'start-again',
    onclick: () => {
      stop();
      options.restart();
    },
  });

  const response = field({
    label: sms ? 'conf.smsCode' : 'challenge.response',
    name: 'response',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    hint: 'challenge.responseHint',
    testid: 'response',
    maxlength: 16,
  });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    response.wrap,
    errors,
    h('button', { type: 'submit', class: 'primary', text: tr(options.submit), testid: 'verify' }),
  );

  const waitStatus = h('p', { class: 'wait-status', role: 'status', testid: 'wait-status' });

  const over = (error: unknown) => {
    finished = true;
    controller.abort();
    closeForm(form);
    showError(errors, error);
    focus(restart);
  };

  const succeed = async (action: () => Promise<void>) => {
    finished = true;
    try {
      await action();
      controller.abort();
    } catch (error) {
      finished = false;
      if (error instanceof ApiError && challengeIsOver(error)) over(error);
      else throw error;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = digitsOnly(response.input.value);
    if (!new RegExp(`^\\d{${codeLength}}$`).test(typed)) {
      showProblem(errors, tr('err.codeFormat', { n: codeLength }), response.input);
      return;
    }
    clearError(errors, response.input);
    const verify = options.verify;
    if (!verify) return;
    void whileBusy(form, async () => {
      try {
        await succeed(() => verify(typed));
      } catch (error) {
        showError(errors, error, response.input);
      }
    });
  });

  const parts: (HTMLElement | null)[] = [title];
  const waitFor =
    options.waitFor ??
    (info.waitToken
      ? (signal: AbortSignal, onTrouble: (trouble: boolean) => void) =>
          waitForApproval(info.id, info.waitToken ?? '', signal, onTrouble)
      : undefined);
  const online = !sms && info.matchNumber !== undefined && waitFor !== undefined;
  if (online) {
    parts.push(
      h(
        'div',
        { class: 'match card' },
        h('h3', { text: tr('challenge.match') }),
        h('p', { text: tr('challenge.matchText') }),
        h('p', { class: 'match-number', testid: 'match-number' }, String(info.matchNumber)),
        waitStatus,
      ),
    );
  }
  const offline = h('div', { class: 'offline card' });
  if (sms) {
    offline.append(h('p', { text: tr('conf.smsText') }), form);
  } else {
    if (online) offline.append(h('h3', { text: tr('challenge.orType') }));
    offline.append(
      h('p', { text: tr('challenge.scanOrType') }),
      h(
        'div',
        { class: 'challenge-grid' },
        info.uri ? qrImage(info.uri, 'challenge-qr') : null,
        h(
          'p',
          { class: 'challenge-digits' },
          h('span', { class: 'label', text: tr('challenge.digits') }),
          h(
            'strong',
            { class: 'digits', testid: 'challenge' },
            groupChallenge(info.challenge ?? ''),
          ),
        ),
      ),
      options.verify
        ? form
        : h('p', {
            class: 'type-elsewhere',
            testid: 'type-elsewhere',
            text: options.typeElsewhere ?? '',
          }),
    );
  }
  parts.push(offline);
  const validUntil = h('p', { class: 'hint', testid: 'valid-until' });
  bind(validUntil, () =>
    tr('common.validUntil', { time: formatTime(info.expiresAt, currentLang()) })(),
  );
  parts.push(validUntil, h('p', {}, restart));
  const element = h('section', { class: 'challenge-panel stack' }, ...parts);

  if (online && waitFor) {
    bind(waitStatus, tr('challenge.waiting'));
    void waitFor(controller.signal, (trouble) => {
      if (!finished) bind(waitStatus, tr(trouble ? 'challenge.waitPaused' : 'challenge.waiting'));
    }).then(async (outcome) => {
      if (finished || outcome === null) return;
      if (outcome === 'approved') {
        bind(waitStatus, tr('challenge.approved'));
        closeForm(form);
        try {
          await succeed(options.redeem);
        } catch (error) {
          over(error);
        }
      } else if (outcome === 'unsupported') {
        // No status to wait on: the person says when the app has approved.
        show(waitStatus, false);
        waitStatus.after(
          h('button', {
            type: 'button',
            class: 'secondary',
            text: tr('conf.approvedContinue'),
            testid: 'approved-continue',
            onclick: (event: Event) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              succeed(options.redeem).catch((error) => {
                button.disabled = false;
                showError(errors, error);
              });
            },
          }),
        );
      } else {
        finished = true;
        closeForm(form);
        const key =
          outcome === 'denied'
            ? 'challenge.denied'
            : outcome === 'expired'
              ? 'challenge.expired'
              : 'challenge.closed';
        bind(waitStatus, () => '');
        showProblem(errors, tr(key));
        focus(restart);
      }
    });
  }

  function stop() {
    finished = true;
    controller.abort();
  }
  return { element, heading: title, stop };
}
