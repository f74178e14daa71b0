import { ApiError, api, BACKGROUND } from '../lib/api.js';
import { confirmPanel, focusPanel, type Outcome } from '../lib/confirm-panel.js';
import {
  bind,
  clearProblem,
  errorBox,
  field,
  focus,
  h,
  show,
  showProblem,
  tr,
  whileBusy,
} from '../lib/dom.js';
import { errorText, type MessageKey } from '../lib/i18n.js';
import { startPage } from '../lib/shell.js';

type Method = 'none' | 'cipherpad' | 'sms';
interface Settings {
  readonly method: Method;
  readonly phone: string | null;
}
interface Change {
  readonly id: string;
  readonly channel: 'cipherpad' | 'sms';
  readonly applied: boolean;
  readonly settings?: Settings;
  readonly challenge?: string;
  readonly uri?: string;
  readonly matchNumber?: string;
  readonly expiresAt?: number;
  readonly confirmUrl?: string;
  readonly phone?: string;
}
interface ChangeState {
  readonly status: Outcome | 'applied';
  readonly applied: boolean;
  readonly settings: Settings;
}

const LABEL: Record<Method, MessageKey> = {
  none: 'settings.none',
  cipherpad: 'settings.cipherpad',
  sms: 'settings.sms',
};

/** Settings: how transfers are confirmed; a change is itself confirmed first. */
async function main(): Promise<void> {
  const page = await startPage({ title: 'settings.title', needsSession: true });
  if (!page) return;
  const wallet = await api<{ confirmation: Settings }>('GET', '/api/wallet');
  let settings = wallet.confirmation;
  const currentLine = h('p', { testid: 'conf-current' });
  const showCurrent = () =>
    bind(currentLine, () => tr('settings.current', { method: tr(LABEL[settings.method])() })());
  showCurrent();

  const radios = (['none', 'cipherpad', 'sms'] as const).map((method) => {
    const input = h('input', {
      type: 'radio',
      name: 'method',
      value: method,
      id: `method-${method}`,
      testid: `conf-method-${method}`,
    });
    input.checked = settings.method === method;
    return {
      method,
      input,
      wrap: h(
        'div',
        { class: 'choice' },
        input,
        h('label', { for: `method-${method}`, text: tr(LABEL[method]) }),
      ),
    };
  });
  const phone = field({
    label: 'settings.phone',
    name: 'phone',
    type: 'tel',
    autocomplete: 'tel',
    testid: 'conf-phone',
    maxlength: 32,
  });
  phone.input.value = settings.phone ?? '';
  const syncPhone = () => show(phone.wrap, radios.find((r) => r.input.checked)?.method === 'sms');
  for (const radio of radios) radio.input.addEventListener('change', syncPhone);
  syncPhone();
  const errors = errorBox();
  const result = h('p', { role: 'status', testid: 'conf-result' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h(
      'fieldset',
      { class: 'stack' },
      h('legend', { text: tr('settings.confirmation') }),
      ...radios.map((r) => r.wrap),
    ),
    phone.wrap,
    errors,
    h('button', {
      type: 'submit',
      class: 'primary',
      text: tr('settings.save'),
      testid: 'conf-save',
    }),
  );
  const area = h('div', { class: 'stack' }, form);
  const title = h('h1', { text: tr('settings.title'), tabindex: '-1' });
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      h('section', { class: 'card stack', testid: 'confirmation' }, currentLine, area, result),
    ),
  );

  const applied = (next: Settings, changed: boolean) => {
    settings = next;
    showCurrent();
    bind(result, tr(changed ? 'settings.saved' : 'settings.unchanged'));
    area.replaceChildren(form);
    focus(result);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblem(errors, phone.input);
    result.textContent = '';
    const method = radios.find((r) => r.input.checked)?.method ?? 'none';
    void whileBusy(form, async () => {
      let change: Change;
      try {
        change = await api<Change>('POST', '/api/settings/changes', {
          body: method === 'sms' ? { method, phone: phone.input.value.trim() } : { method },
        });
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError('ERR_NETWORK', 0);
        showProblem(
          errors,
          () => errorText(failure.code, failure.details),
          failure.code === 'ERR_PHONE_INVALID' ? phone.input : undefined,
        );
        return;
      }
      if (change.applied) {
        applied(change.settings ?? settings, false);
        return;
      }
      const path = `/api/settings/changes/${encodeURIComponent(change.id)}`;
      const outcome = (state: ChangeState): Outcome => {
        if (state.applied) settings = state.settings;
        return state.status === 'applied' ? 'confirmed' : (state.status as Outcome);
      };
      const panel = confirmPanel({
        title: 'settings.confirmTitle',
        channel: change.channel,
        ...(change.challenge ? { challenge: change.challenge } : {}),
        ...(change.uri ? { uri: change.uri } : {}),
        ...(change.matchNumber ? { matchNumber: change.matchNumber } : {}),
        ...(change.expiresAt ? { expiresAt: change.expiresAt } : {}),
        ...(change.confirmUrl ? { confirmUrl: change.confirmUrl } : {}),
        ...(change.phone ? { phone: change.phone } : {}),
        verify: async (response) =>
          outcome(await api<ChangeState>('POST', `${path}/verify`, { body: { response } })),
        poll: async (signal) =>
          outcome(
            await api<ChangeState>('GET', `${path}/status?wait=25`, {
              signal,
              headers: { ...BACKGROUND },
            }),
          ),
        done: () => applied(settings, true),
        over: () => {
          panel.element.append(
            h(
              'p',
              {},
              h('button', {
                type: 'button',
                class: 'secondary',
                text: tr('confirm.startAgain'),
                testid: 'start-again',
                onclick: () => area.replaceChildren(form),
              }),
            ),
          );
        },
        cancel: () => area.replaceChildren(form),
      });
      area.replaceChildren(panel.element);
      focusPanel(panel);
    });
  });
}

void main();
