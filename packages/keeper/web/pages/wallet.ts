import { ApiError, api, BACKGROUND } from '../lib/api.js';
import { confirmPanel, focusPanel, type Outcome } from '../lib/confirm-panel.js';
import {
  clearProblem,
  errorBox,
  field,
  focus,
  formatDateTime,
  h,
  showProblem,
  tr,
  uid,
  whileBusy,
} from '../lib/dom.js';
import { errorText, type MessageKey } from '../lib/i18n.js';
import { type Page, startPage } from '../lib/shell.js';

interface Purse {
  readonly purse: string;
  readonly currency: string;
  readonly currencyCode: string;
  readonly balance: string;
}
interface Wallet {
  readonly walletId: string;
  readonly email: string;
  readonly purses: readonly Purse[];
  readonly confirmation: { readonly method: string; readonly phone: string | null };
}
interface Transfer {
  readonly id: string;
  readonly kind: 'transfer' | 'issue';
  readonly status: 'held' | 'completed' | 'cancelled';
  readonly direction: 'in' | 'out';
  readonly from: string | null;
  readonly to: string;
  readonly recipientEmail: string | null;
  readonly amount: string;
  readonly currency: string;
  readonly currencyCode: string;
  readonly note: string;
  readonly createdAt: number;
  readonly cancelReason: string | null;
  readonly confirmation: {
    readonly method: 'none' | 'cipherpad' | 'sms';
    readonly challenge?: string;
    readonly uri?: string;
    readonly matchNumber?: string;
    readonly expiresAt?: number;
    readonly confirmUrl?: string;
  };
}

const outcomeOf = (transfer: Transfer): Outcome =>
  transfer.status === 'completed'
    ? 'confirmed'
    : transfer.status === 'cancelled'
      ? 'cancelled'
      : 'pending';

/** The wallet page: purses and balances, the transfer form and its confirmation window, history. */
async function main(): Promise<void> {
  const page = await startPage({ title: 'wallet.title', needsSession: true });
  if (!page) return;
  const pursesList = h('ul', { class: 'purses', testid: 'purses' });
  const walletId = h('p', { class: 'wallet-id', testid: 'wallet-id' });
  const historyList = h('ul', { class: 'history', testid: 'history' });
  const transferArea = h('div', { class: 'stack' });
  const title = h('h1', { text: tr('wallet.title'), tabindex: '-1' });
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      walletId,
      h(
        'section',
        { class: 'card stack', 'aria-labelledby': 'purses-h' },
        h('h2', { id: 'purses-h', text: tr('wallet.purses') }),
        pursesList,
      ),
      h(
        'section',
        { class: 'card stack', 'aria-labelledby': 'transfer-h', testid: 'transfer-section' },
        h('h2', { id: 'transfer-h', text: tr('wallet.transfer') }),
        transferArea,
      ),
      h(
        'section',
        { class: 'card stack', 'aria-labelledby': 'history-h' },
        h('h2', { id: 'history-h', text: tr('wallet.history') }),
        historyList,
      ),
    ),
  );

  let wallet: Wallet;
  // The history's buttons act through the transfer form, made once the wallet is read.
  let form: HeldActions | null = null;
  const actions: HeldActions = {
    resume: async (transfer) => form?.resume(transfer),
    cancel: async (transfer) => form?.cancel(transfer),
  };
  const refresh = async () => {
    wallet = await api<Wallet>('GET', '/api/wallet');
    walletId.textContent = '';
    walletId.append(h('span', { text: tr('wallet.id', { id: wallet.walletId }) }));
    pursesList.replaceChildren(
      ...wallet.purses.map((purse) =>
        h(
          'li',
          {
            class: 'purse',
            testid: 'purse-row',
            'data-currency': purse.currency,
            'data-purse': purse.purse,
          },
          h('span', { class: 'purse-id', testid: 'purse-id' }, purse.purse),
          h(
            'span',
            { class: 'balance', testid: 'purse-balance' },
            `${purse.balance} ${purse.currencyCode}`,
          ),
        ),
      ),
    );
    const { transfers } = await api<{ transfers: Transfer[] }>('GET', '/api/transfers?limit=50');
    historyList.replaceChildren(
      ...(transfers.length === 0
        ? [h('li', { text: tr('wallet.empty'), testid: 'history-empty' })]
        : transfers.map((transfer) => historyRow(transfer, actions))),
    );
  };
  await refresh();
  form = transferForm(page, transferArea, () => wallet, refresh);
}

/** What a held transfer of the payer's offers after a reload: its confirmation window again, or withdrawing it. */
interface HeldActions {
  resume(transfer: Transfer): Promise<void>;
  cancel(transfer: Transfer): Promise<void>;
}

function historyRow(transfer: Transfer, actions: HeldActions): HTMLElement {
  const waiting = transfer.status === 'held' && transfer.direction === 'out';
  const counterpart =
    transfer.kind === 'issue'
      ? tr('history.issue')
      : transfer.direction === 'out'
        ? tr('history.out', {
            purse: transfer.recipientEmail
              ? `${transfer.to} (${transfer.recipientEmail})`
              : transfer.to,
          })
        : tr('history.in', { purse: transfer.from ?? '' });
  return h(
    'li',
    {
      class: `history-row ${transfer.direction}`,
      testid: 'history-row',
      'data-status': transfer.status,
      'data-direction': transfer.direction,
      'data-id': transfer.id,
    },
    h('span', { class: 'when' }, formatDateTime(transfer.createdAt)),
    h(
      'span',
      { class: 'amount', testid: 'history-amount' },
      `${transfer.direction === 'out' ? '−' : '+'}${transfer.amount} ${transfer.currencyCode}`,
    ),
    h('span', { class: 'who', text: counterpart }),
    transfer.note ? h('span', { class: 'note', testid: 'history-note' }, transfer.note) : null,
    h('span', {
      class: 'state',
      testid: 'history-status',
      text: tr(`status.${transfer.status}` as MessageKey),
    }),
    waiting ? heldButtons(transfer, actions) : null,
  );
}

/** Resume and Cancel for a held transfer; both disabled while either is under way. */
function heldButtons(transfer: Transfer, actions: HeldActions): HTMLElement {
  const buttons = h('span', { class: 'held-actions' });
  buttons.append(
    h('button', {
      type: 'button',
      class: 'secondary',
      text: tr('history.resume'),
      testid: 'history-resume',
      onclick: () => void whileBusy(buttons, () => actions.resume(transfer)),
    }),
    h('button', {
      type: 'button',
      class: 'secondary',
      text: tr('history.cancel'),
      testid: 'history-cancel',
      onclick: () => void whileBusy(buttons, () => actions.cancel(transfer)),
    }),
  );
  return buttons;
}

function transferForm(
  page: Page,
  area: HTMLElement,
  current: () => Wallet,
  refresh: () => Promise<void>,
): HeldActions {
  const currencyId = uid('currency');
  const currency = h('select', { id: currencyId, name: 'currency', testid: 'transfer-currency' });
  for (const purse of current().purses) {
    currency.append(
      h('option', { value: purse.currency }, `${purse.purse} (${purse.currencyCode})`),
    );
  }
  const to = field({
    label: 'wallet.to',
    name: 'to',
    testid: 'transfer-to',
    hint: 'wallet.toHint',
    maxlength: 254,
  });
  const amount = field({
    label: 'wallet.amount',
    name: 'amount',
    testid: 'transfer-amount',
    inputmode: 'decimal',
    hint: 'wallet.amountHint',
    maxlength: 20,
  });
  const note = field({
    label: 'wallet.note',
    name: 'note',
    testid: 'transfer-note',
    maxlength: 200,
    required: false,
  });
  const errors = errorBox('transfer-error');
  const result = h('p', { class: 'result', role: 'status', testid: 'transfer-result' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, testid: 'transfer-form' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: currencyId, text: tr('wallet.currency') }),
      currency,
    ),
    to.wrap,
    amount.wrap,
    note.wrap,
    errors,
    h('button', {
      type: 'submit',
      class: 'primary',
      text: tr('wallet.send'),
      testid: 'transfer-submit',
    }),
  );
  area.replaceChildren(form, result);
  // One key per intended transfer: a double submit or a retry after a lost answer pays once.
  let idempotencyKey = crypto.randomUUID();
  for (const input of [to.input, amount.input, note.input])
    input.addEventListener('input', () => {
      idempotencyKey = crypto.randomUUID();
    });
  currency.addEventListener('change', () => {
    idempotencyKey = crypto.randomUUID();
  });

  // The confirmation window on show, if any: whatever replaces it stops its long poll.
  let open: { stop(): void } | null = null;
  const closeWindow = () => {
    open?.stop();
    open = null;
  };

  const finished = (transfer: Transfer) => {
    closeWindow();
    const key: MessageKey = transfer.status === 'completed' ? 'wallet.done' : 'wallet.cancelled';
    result.dataset.status = transfer.status;
    result.textContent = '';
    result.append(
      h('span', {
        text: tr(key, { amount: transfer.amount, code: transfer.currencyCode, purse: transfer.to }),
      }),
    );
    page.say(tr(key, { amount: transfer.amount, code: transfer.currencyCode, purse: transfer.to }));
    idempotencyKey = crypto.randomUUID();
    if (transfer.status === 'completed') {
      amount.input.value = '';
      note.input.value = '';
    }
    area.replaceChildren(form, result);
    void refresh();
    focus(result);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblem(errors, to.input, amount.input);
    result.textContent = '';
    void whileBusy(form, async () => {
      let transfer: Transfer;
      try {
        transfer = await api<Transfer>('POST', '/api/transfers', {
          body: {
            currency: currency.value,
            to: to.input.value.trim(),
            amount: amount.input.value.trim(),
            note: note.input.value.trim(),
          },
          headers: { 'idempotency-key': idempotencyKey },
        });
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError('ERR_NETWORK', 0);
        const field = ['ERR_AMOUNT_INVALID', 'ERR_INSUFFICIENT_FUNDS'].includes(failure.code)
          ? amount.input
          : [
                'ERR_PURSE_INVALID',
                'ERR_PURSE_NOT_FOUND',
                'ERR_EMAIL_INVALID',
                'ERR_CURRENCY_MISMATCH',
                'ERR_SAME_PURSE',
              ].includes(failure.code)
            ? to.input
            : undefined;
        showProblem(errors, () => errorText(failure.code, failure.details), field);
        return;
      }
      if (transfer.status !== 'held') {
        finished(transfer);
        return;
      }
      openConfirmation(transfer);
    });
  });

  /** The confirmation window of a held transfer: just sent, or resumed after a reload. */
  const openConfirmation = (held: Transfer) => {
    closeWindow();
    let transfer = held;
    const path = `/api/transfers/${encodeURIComponent(held.id)}`;
    const c = held.confirmation;
    const panel = confirmPanel({
      title: 'wallet.confirmTitle',
      channel: c.method === 'sms' ? 'sms' : 'cipherpad',
      ...(c.challenge ? { challenge: c.challenge } : {}),
      ...(c.uri ? { uri: c.uri } : {}),
      ...(c.matchNumber ? { matchNumber: c.matchNumber } : {}),
      ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}),
      ...(c.confirmUrl ? { confirmUrl: c.confirmUrl } : {}),
      phone: current().confirmation.phone ?? '',
      payment: tr('wallet.details', {
        amount: held.amount,
        code: held.currencyCode,
        purse: held.to,
      }),
      verify: async (response) => {
        const settled = await api<Transfer>('POST', `${path}/confirm`, { body: { response } });
        transfer = settled;
        return outcomeOf(settled);
      },
      poll: async (signal) => {
        const settled = await api<Transfer>('GET', `${path}/status?wait=25`, {
          signal,
          headers: { ...BACKGROUND },
        });
        transfer = settled;
        // Registering inline on Cipherpad's page re-issues the challenge and number.
        if (settled.status === 'held') panel.update(settled.confirmation);
        return outcomeOf(settled);
      },
      done: () => finished(transfer),
      over: async () => {
        open = null;
        const latest = await api<Transfer>('GET', path).catch(() => transfer);
        if (latest.status !== 'held') {
          const back = h('button', {
            type: 'button',
            class: 'secondary',
            text: tr('confirm.startAgain'),
            testid: 'start-again',
            onclick: () => finished(latest),
          });
          panel.element.append(h('p', {}, back));
        }
      },
      cancel: async () => {
        // Refused when it completed meanwhile: then say what it became.
        const cancelled = await api<Transfer>('POST', `${path}/cancel`)
          .catch(() => api<Transfer>('GET', path))
          .catch(() => transfer);
        finished(cancelled);
      },
    });
    open = panel;
    area.replaceChildren(panel.element);
    focusPanel(panel);
  };

  /** Says why a history action could not be done, in the transfer section's status line. */
  const refused = (error: unknown) => {
    const failure = error instanceof ApiError ? error : new ApiError('ERR_NETWORK', 0);
    closeWindow();
    result.dataset.status = 'error';
    result.textContent = '';
    result.append(h('span', { text: () => errorText(failure.code, failure.details) }));
    area.replaceChildren(form, result);
    focus(result);
  };

  return {
    async resume(held) {
      let latest: Transfer;
      try {
        // Where it stands now: Cipherpad is asked, so an expired one is settled, not shown again.
        latest = await api<Transfer>('GET', `/api/transfers/${encodeURIComponent(held.id)}/status`);
      } catch (error) {
        refused(error);
        return;
      }
      if (latest.status === 'held') openConfirmation(latest);
      else finished(latest);
    },
    async cancel(held) {
      let cancelled: Transfer;
      try {
        cancelled = await api<Transfer>(
          'POST',
          `/api/transfers/${encodeURIComponent(held.id)}/cancel`,
        );
      } catch (error) {
        refused(error);
        void refresh();
        return;
      }
      finished(cancelled);
    },
  };
}

void main();
