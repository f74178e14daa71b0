import { ApiError } from './api.js';
import {
  bind,
  clearProblem,
  errorBox,
  focus,
  formatTime,
  h,
  type Render,
  show,
  showProblem,
  tr,
  whileBusy,
} from './dom.js';
import { errorText, type MessageKey } from './i18n.js';
import { qrImage } from './qr-view.js';

/** Where a confirmation stands, as the keeper's status endpoints say it. */
export type Outcome = 'pending' | 'confirmed' | 'denied' | 'expired' | 'failed' | 'cancelled';

/**
 * What the person answers now: Cipherpad re-issues a confirmation's
 * challenge and number after inline registration (docs/confirmation-api.md).
 */
export interface ShownChallenge {
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
  readonly expiresAt?: number;
}

/** What the confirmation window shows and does. */
export interface ConfirmPanelOptions {
  readonly title: MessageKey;
  /** `cipherpad`: challenge, QR and number to match; `sms`: only the code field. */
  readonly channel: 'cipherpad' | 'sms';
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
  readonly expiresAt?: number;
  readonly confirmUrl?: string;
  readonly phone?: string;
  /** A payment: the panel says Payment mode and shows `details` (amount, currency, purse). */
  readonly payment?: Render;
  /** Sends the typed response or code; resolves with the outcome, throws `ApiError` on refusal. */
  verify(response: string): Promise<Outcome>;
  /** One long poll of the status (about 25 s); resolves with the outcome. */
  poll(signal: AbortSignal): Promise<Outcome>;
  /** The confirmation succeeded. */
  done(): void;
  /** The confirmation ended without success (denied, expired, failed, cancelled). */
  over(outcome: Outcome): void;
  /** The person gives up (a held transfer is cancelled by the caller). */
  cancel?(): void;
}

const OVER_TEXT: Partial<Record<Outcome, MessageKey>> = {
  denied: 'confirm.denied',
  expired: 'confirm.expired',
  failed: 'confirm.failed',
};

/**
 * The confirmation window (PRODUCT.md flows 5–8, 10): the number to enter in
 * the app while the page waits for the online approval, the challenge as
 * digits and as a QR code (for a payment, with its amount, currency and
 * recipient purse: Payment mode), a response field, and a link to Cipherpad
 * for inline registration or consent. For SMS only the code field.
 */
export function confirmPanel(options: ConfirmPanelOptions): {
  element: HTMLElement;
  heading: HTMLElement;
  stop(): void;
  /** Shows the challenge, QR code, number and expiry the confirmation has now. */
  update(shown: ShownChallenge): void;
} {
  const sms = options.channel === 'sms';
  const length = sms ? 6 : 8;
  const controller = new AbortController();
  let finished = false;

  const heading = h('h2', { text: tr(options.title), tabindex: '-1', testid: 'challenge-heading' });
  const errors = errorBox();
  const responseId = `response-${Math.random().toString(36).slice(2)}`;
  const input = h('input', {
    id: responseId,
    name: 'response',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 16,
    required: true,
    testid: 'response',
  });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: responseId, text: tr(sms ? 'confirm.smsCode' : 'confirm.response') }),
      input,
    ),
    errors,
    h('button', { type: 'submit', class: 'primary', text: tr('confirm.verify'), testid: 'verify' }),
  );
  const waitStatus = h('p', { class: 'wait-status', role: 'status', testid: 'wait-status' });

  const end = (outcome: Outcome) => {
    if (finished) return;
    finished = true;
    controller.abort();
    form.setAttribute('data-closed', '');
    for (const control of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
      'input, button',
    ))
      control.disabled = true;
    if (outcome === 'confirmed') {
      options.done();
      return;
    }
    const key = OVER_TEXT[outcome];
    if (key) showProblem(errors, tr(key));
    bind(waitStatus, () => '');
    options.over(outcome);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = input.value.replace(/[\s-]/g, '');
    if (!new RegExp(`^\\d{${length}}$`).test(typed)) {
      showProblem(errors, tr('err.codeFormat', { n: length }), input);
      return;
    }
    clearProblem(errors, input);
    void whileBusy(form, async () => {
      try {
        const outcome = await options.verify(typed);
        if (outcome !== 'pending') end(outcome);
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError('ERR_NETWORK', 0);
        showProblem(errors, () => errorText(failure.code, failure.details), input);
        input.select();
        if (
          [
            'ERR_CHALLENGE_EXPIRED',
            'ERR_CHALLENGE_CLOSED',
            'ERR_CODE_EXPIRED',
            'ERR_TRANSFER_CLOSED',
          ].includes(failure.code) ||
          failure.details.attemptsLeft === 0
        ) {
          finished = true;
          controller.abort();
          form.setAttribute('data-closed', '');
          options.over('failed');
        }
      }
    });
  });

  // Said once the challenge was re-issued (inline registration on Cipherpad's page).
  const reissued = h('p', {
    class: 'hint',
    role: 'status',
    text: tr('confirm.reissued'),
    testid: 'reissued',
  });
  show(reissued, false);
  const parts: (HTMLElement | null)[] = [heading, reissued];
  if (options.payment)
    parts.push(
      h('p', { class: 'payment-details', text: options.payment, testid: 'payment-details' }),
    );
  const online = !sms && options.matchNumber !== undefined;
  const matchNumber = h(
    'p',
    { class: 'match-number', testid: 'match-number' },
    String(options.matchNumber),
  );
  if (online) {
    parts.push(
      h(
        'div',
        { class: 'match card' },
        h('h3', { text: tr('confirm.match') }),
        h('p', { text: tr('confirm.matchText') }),
        matchNumber,
        waitStatus,
      ),
    );
  }
  const spaced = (challenge: string) => challenge.replace(/^(\d{4})(\d{4})$/, '$1 $2');
  const digits = h(
    'strong',
    { class: 'digits', testid: 'challenge' },
    spaced(options.challenge ?? ''),
  );
  let qr: SVGSVGElement | null = options.uri ? qrImage(options.uri, 'challenge-qr') : null;
  const grid = h('div', { class: 'challenge-grid' });
  const offline = h('div', { class: 'offline card stack' });
  if (sms) {
    offline.append(
      h('p', { text: tr('confirm.smsText', { phone: options.phone ?? '' }), testid: 'sms-sent' }),
      form,
      waitStatus,
    );
  } else {
    if (online) offline.append(h('h3', { text: tr('confirm.orType') }));
    offline.append(
      h('p', { text: tr(options.payment ? 'confirm.paymentScan' : 'confirm.scanOrType') }),
      grid,
      form,
    );
  }
  grid.append(
    ...(qr ? [qr] : []),
    h(
      'p',
      { class: 'challenge-digits' },
      h('span', { class: 'label', text: tr('confirm.challenge') }),
      digits,
    ),
  );
  parts.push(offline);
  let expiresAt = options.expiresAt;
  const validUntilText = () =>
    expiresAt ? tr('confirm.validUntil', { time: formatTime(expiresAt) })() : '';
  const validUntil = h('p', { class: 'hint', testid: 'valid-until', text: validUntilText });
  if (expiresAt) parts.push(validUntil);
  if (options.confirmUrl) {
    parts.push(
      h(
        'p',
        {},
        h('a', {
          href: options.confirmUrl,
          target: '_blank',
          rel: 'noopener noreferrer',
          text: tr('confirm.confirmUrl'),
          testid: 'confirm-url',
        }),
      ),
    );
  }
  if (options.cancel) {
    const cancel = options.cancel;
    parts.push(
      h(
        'p',
        {},
        h('button', {
          type: 'button',
          class: 'secondary',
          text: tr('confirm.cancel'),
          testid: 'cancel',
          onclick: () => {
            finished = true;
            controller.abort();
            cancel();
          },
        }),
      ),
    );
  }
  const element = h('section', { class: 'confirm-panel stack', testid: 'confirm-panel' }, ...parts);

  // Long-poll the status: an online approval (or an expiry) ends the window by itself.
  bind(waitStatus, tr(sms ? 'confirm.waiting' : 'confirm.waiting'));
  if (sms) show(waitStatus, false);
  void (async () => {
    let failures = 0;
    while (!finished) {
      try {
        const outcome = await options.poll(controller.signal);
        failures = 0;
        if (!finished) bind(waitStatus, tr('confirm.waiting'));
        if (outcome !== 'pending') end(outcome);
      } catch {
        if (finished) return;
        failures += 1;
        bind(waitStatus, tr('confirm.waitPaused'));
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 1000 * 2 ** failures)));
      }
    }
  })();

  let shownChallenge = options.challenge;
  return {
    element,
    heading,
    stop() {
      finished = true;
      controller.abort();
    },
    update(shown) {
      if (finished || sms) return;
      if (shown.challenge && shown.challenge !== shownChallenge) {
        // A re-issued challenge: the old one no longer works, so what was typed for it goes.
        shownChallenge = shown.challenge;
        digits.textContent = spaced(shown.challenge);
        input.value = '';
        clearProblem(errors, input);
        show(reissued, true);
      }
      if (shown.uri && shown.uri !== qr?.dataset.uri) {
        const next = qrImage(shown.uri, 'challenge-qr');
        if (qr) qr.replaceWith(next);
        else grid.prepend(next);
        qr = next;
      }
      if (shown.matchNumber) matchNumber.textContent = shown.matchNumber;
      if (shown.expiresAt && shown.expiresAt !== expiresAt) {
        expiresAt = shown.expiresAt;
        bind(validUntil, validUntilText);
      }
    },
  };
}

/** Focuses a panel's heading once it is on the page. */
export function focusPanel(panel: { heading: HTMLElement }): void {
  focus(panel.heading);
}
