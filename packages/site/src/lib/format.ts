import type { Lang } from '../i18n/message.js';

/**
 * A challenge for reading and typing: 8 digits as two groups of 4
 * (`12345678` → `1234 5678`); other lengths in groups of 4 from the left.
 */
export function groupChallenge(challenge: string): string {
  return (challenge.replace(/\D/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** The digits of what a person typed: spaces, dashes and other separators dropped. */
export function digitsOnly(typed: string): string {
  return typed.replace(/[\s\-–.]/g, '');
}

/** A date and time in the person's language, as in the activity log. */
export function formatDateTime(ms: number, lang: Lang, timeZone?: string): string {
  return new Intl.DateTimeFormat(lang, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(ms));
}

/** A time of day (hours and minutes), for "valid until". */
export function formatTime(ms: number, lang: Lang, timeZone?: string): string {
  return new Intl.DateTimeFormat(lang, {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(ms));
}

/**
 * A wait, as "in 45 seconds" / "через 5 минут": seconds under two minutes,
 * minutes under two hours, hours beyond; always rounded up so nobody retries early.
 */
export function formatRelativeSeconds(seconds: number, lang: Lang): string {
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'always' });
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 120) return format.format(s, 'second');
  if (s < 7200) return format.format(Math.ceil(s / 60), 'minute');
  return format.format(Math.ceil(s / 3600), 'hour');
}

/** A countdown as minutes and seconds, "0:59", rounded up so it reads 0:00 only at the end. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
