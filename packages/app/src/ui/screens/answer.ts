import { answer, groupDigits } from '../../respond/answer.js';
import { isCompleteChallenge, readRequest } from '../../respond/read-request.js';
import type { AppContext } from '../context.js';
import { button, field, h, screen } from '../dom.js';

/** The response line of an answer screen: grouped digits, read out when it changes. */
export function responseOutput(
  ctx: AppContext,
  id: string,
): {
  element: HTMLElement;
  show(response: string | undefined, hint?: string): void;
} {
  const value = h('output', {
    id,
    class: 'response',
    'aria-live': 'polite',
    'aria-atomic': 'true',
    'data-testid': id,
  });
  const hint = h('p', { class: 'help', 'data-testid': `${id}-hint` }, ctx.t('responseWaiting'));
  return {
    element: h(
      'div',
      { class: 'response-box' },
      h('p', { class: 'label' }, ctx.t('response')),
      value,
      hint,
    ),
    show(response, text) {
      value.textContent = response === undefined ? '' : groupDigits(response);
      if (response === undefined) value.removeAttribute('data-value');
      else value.setAttribute('data-value', response);
      hint.textContent =
        text ?? (response === undefined ? ctx.t('responseWaiting') : ctx.t('responseHint'));
    },
  };
}

/**
 * Authorization mode (PRODUCT.md flow 5): the response appears as soon as the eighth digit of
 * the challenge is typed; no network is needed.
 */
export function authorizationScreen(ctx: AppContext): HTMLElement {
  const output = responseOutput(ctx, 'auth-response');
  let sequence = 0;
  const challenge = field({
    id: 'auth-challenge',
    label: ctx.t('challenge'),
    inputmode: 'numeric',
    maxlength: 64,
    value: ctx.draft('auth-challenge'),
    onInput: (value) => {
      ctx.setDraft('auth-challenge', value);
      void update(value);
    },
  });
  async function update(value: string): Promise<void> {
    const mine = ++sequence;
    challenge.setError(undefined);
    const keys = ctx.keys;
    if (keys === undefined || !isCompleteChallenge(value)) {
      output.show(undefined);
      // Nine digits or letters can never become a challenge: say so at once.
      const digits = value.replace(/[\s\-\u2010-\u2015\u2212]/g, '');
      if (digits.length > 8 || /[^0-9]/.test(digits))
        challenge.setError(ctx.t('ERR_CHALLENGE_FORMAT'));
      return;
    }
    const read = readRequest({ mode: 'authorization', challenge: value });
    if (!read.ok) return;
    const response = await answer(keys.ocraKey, read.request);
    if (mine === sequence) output.show(response);
  }
  const section = screen(
    'authorization',
    ctx.t('authTitle'),
    h('p', {}, ctx.t('authIntro')),
    h(
      'form',
      { novalidate: true, 'data-testid': 'auth-form', onsubmit: (e: Event) => e.preventDefault() },
      challenge.element,
    ),
    output.element,
    h(
      'div',
      { class: 'actions' },
      button(ctx.t('clear'), 'auth-clear', () => {
        challenge.input.value = '';
        ctx.setDraft('auth-challenge', '');
        void update('');
        challenge.input.focus();
      }),
    ),
  );
  if (challenge.input.value !== '') void update(challenge.input.value);
  return section;
}

/**
 * Payment mode (PRODUCT.md flow 6): the response is bound to the challenge, the amount and the
 * recipient's purse; a changed field clears it.
 */
export function paymentScreen(ctx: AppContext): HTMLElement {
  const output = responseOutput(ctx, 'pay-response');
  const summary = h('p', { class: 'summary', 'data-testid': 'pay-summary' });
  const clearOutput = () => {
    output.show(undefined, '');
    summary.textContent = '';
  };
  const make = (id: string, label: string, inputmode: string) =>
    field({
      id,
      label,
      inputmode,
      maxlength: 64,
      value: ctx.draft(id),
      onInput: (value) => {
        ctx.setDraft(id, value);
        clearOutput();
      },
    });
  const challenge = make('pay-challenge', ctx.t('challenge'), 'numeric');
  const amount = make('pay-amount', ctx.t('amount'), 'decimal');
  const purse = make('pay-purse', ctx.t('purse'), 'text');
  const fields = { challenge, amount, purse };
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, 'data-testid': 'pay-form' },
    challenge.element,
    amount.element,
    purse.element,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', 'data-testid': 'pay-submit' },
        ctx.t('showResponse'),
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) f.setError(undefined);
    const read = readRequest({
      mode: 'payment',
      challenge: challenge.input.value,
      amount: amount.input.value,
      purse: purse.input.value,
    });
    if (!read.ok) {
      let first: HTMLInputElement | undefined;
      for (const [name, code] of Object.entries(read.errors)) {
        const f = fields[name as keyof typeof fields];
        f.setError(
          ctx.t(
            code === 'ERR_AMOUNT_INVALID' || code === 'ERR_PURSE_INVALID'
              ? code
              : 'ERR_CHALLENGE_FORMAT',
          ),
        );
        first ??= f.input;
      }
      clearOutput();
      first?.focus();
      return;
    }
    const keys = ctx.keys;
    if (keys === undefined || read.request.mode !== 'payment') return;
    const { amount: canonical, purse: normalized } = read.request;
    void answer(keys.ocraKey, read.request).then((response) => {
      summary.textContent = ctx.t('paymentSummary', { amount: canonical, purse: normalized });
      output.show(response);
    });
  });
  return screen(
    'payment',
    ctx.t('paymentTitle'),
    h('p', {}, ctx.t('paymentIntro')),
    form,
    summary,
    output.element,
  );
}
