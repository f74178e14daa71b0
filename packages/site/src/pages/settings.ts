import type { MessageKey } from '../i18n/i18n.js';
import { currentLang } from '../i18n/i18n.js';
import { activationQr } from '../lib/activation-qr.js';
import { api } from '../lib/api.js';
import { type ChallengeInfo, challengePanel } from '../lib/challenge-panel.js';
import { confirmOperation } from '../lib/confirm-operation.js';
import { confirmStep } from '../lib/confirm-step.js';
import { sitesSection } from '../lib/consented-sites.js';
import { bind, focus, h, show, tr, uid } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import {
  clearError,
  errorBox,
  field,
  heading,
  showError,
  showProblem,
  whileBusy,
} from '../lib/forms.js';
import { isSignedOut, requireSignIn } from '../lib/session.js';
import { type Page, startPage } from '../lib/shell.js';

type Method = 'app' | 'sms' | 'none';
const METHODS: readonly Method[] = ['app', 'sms', 'none'];
const OPERATIONS = [
  'login',
  'payment',
  'personal-data',
  'security-settings',
  'trust-transfer',
  'merchant-payment',
  'credit-exchange',
  'trust-limit',
] as const;
type Operation = (typeof OPERATIONS)[number];

interface Confirmation {
  readonly method: Method;
  readonly operations: readonly Operation[];
}

interface Account {
  readonly id: string;
  readonly email: string;
  readonly phone: string;
  readonly createdAt: number;
  readonly confirmation: Confirmation;
}

interface Device {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/**
 * Settings of the signed-in account (PRODUCT.md flow 9): devices (rename,
 * deactivate), an activation QR code for a new device, the confirmation
 * method with its operations (changing those needs a confirmation), and the
 * sites allowed to ask for confirmations.
 */
async function main(): Promise<void> {
  const page = await startPage({ title: 'settings.title' });
  if (!page.session) {
    requireSignIn();
    return;
  }
  const title = heading('h1', 'settings.title');
  const errors = errorBox();
  page.main.replaceChildren(h('div', { class: 'stack' }, title, errors));
  page.say(tr('common.loading'));
  let account: Account;
  let devices: Device[];
  try {
    [account, { devices }] = await Promise.all([
      api<Account>('GET', '/v1/account'),
      api<{ devices: Device[] }>('GET', '/v1/account/devices'),
    ]);
  } catch (error) {
    page.say(null);
    if (isSignedOut(error)) requireSignIn();
    else showError(errors, error);
    return;
  }
  page.say(null);
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      errors,
      accountSection(account),
      devicesSection(page, devices),
      addDeviceSection(),
      confirmationSection(page, account.confirmation),
      sitesSection(page),
    ),
  );
}

function section(key: MessageKey, testid: string, ...content: (HTMLElement | null)[]): HTMLElement {
  const id = uid('section');
  return h(
    'section',
    { class: 'card stack', 'aria-labelledby': id, testid },
    h('h2', { id, text: tr(key), tabindex: '-1' }),
    ...content,
  );
}

function row(key: MessageKey, value: HTMLElement | string): HTMLElement[] {
  return [h('dt', { text: tr(key) }), h('dd', {}, value)];
}

function when(ms: number | null): HTMLElement {
  const time = h('time');
  if (ms === null) {
    bind(time, tr('common.never'));
  } else {
    time.dateTime = new Date(ms).toISOString();
    bind(time, () => formatDateTime(ms, currentLang()));
  }
  return time;
}

function accountSection(account: Account): HTMLElement {
  return section(
    'settings.account',
    'account',
    h(
      'dl',
      { class: 'facts' },
      ...row('settings.email', account.email),
      ...row('settings.phone', account.phone),
      ...row('settings.since', when(account.createdAt)),
    ),
  );
}

/** The kind of a device in the page's language: the phone app or the command line. */
function kindText(kind: string): HTMLElement | string {
  const key = kind === 'app' ? 'devices.kind.app' : kind === 'cli' ? 'devices.kind.cli' : null;
  return key === null ? kind : h('span', { text: tr(key) });
}

function statusKey(status: string): MessageKey | null {
  const key = `devices.status.${status}`;
  return key === 'devices.status.active' ||
    key === 'devices.status.inactive' ||
    key === 'devices.status.deactivated' ||
    key === 'devices.status.pending'
    ? key
    : null;
}

function devicesSection(page: Page, devices: readonly Device[]): HTMLElement {
  const list = h('ul', { class: 'devices' });
  for (const device of devices) list.append(deviceRow(page, device));
  return section(
    'devices.title',
    'devices',
    devices.length === 0 ? h('p', { text: tr('devices.none') }) : null,
    list,
  );
}

function deviceRow(page: Page, initial: Device): HTMLLIElement {
  let device = initial;
  const li = h('li', { class: 'device', testid: 'device-row' });
  li.dataset.deviceId = device.id;

  const render = () => {
    const active = device.status === 'active';
    const key = statusKey(device.status);
    li.dataset.status = device.status;
    const name = h(
      'h3',
      { class: 'device-name', testid: 'device-name', tabindex: '-1' },
      device.name,
    );
    const status = h('span', { class: active ? 'badge ok' : 'badge', testid: 'device-status' });
    if (key) bind(status, tr(key));
    else status.textContent = device.status;
    const actions = h('div', { class: 'actions' });
    const panel = h('div', { class: 'stack' });
    if (active) {
      actions.append(
        h('button', {
          type: 'button',
          class: 'secondary',
          text: tr('devices.renameShort'),
          'aria-label': tr('devices.rename', { name: device.name }),
          testid: 'rename',
          onclick: () => renameForm(panel, actions),
        }),
        h('button', {
          type: 'button',
          class: 'danger',
          text: tr('devices.deactivateShort'),
          'aria-label': tr('devices.deactivate', { name: device.name }),
          testid: 'deactivate',
          onclick: () => deactivateConfirm(panel, actions),
        }),
      );
    }
    li.replaceChildren(
      name,
      h(
        'dl',
        { class: 'facts' },
        ...row('devices.status', status),
        ...row('devices.kind', kindText(device.kind)),
        ...row('devices.added', when(device.createdAt)),
        ...row('devices.lastUsed', when(device.lastUsedAt)),
      ),
      actions,
      panel,
    );
    return name;
  };

  const renameForm = (panel: HTMLElement, actions: HTMLElement) => {
    const input = field({
      label: tr('devices.newName', { name: device.name }),
      name: 'device-name',
      autocomplete: 'off',
      testid: 'new-name',
      maxlength: 64,
      value: device.name,
    });
    const errors = errorBox();
    const form = h(
      'form',
      { class: 'stack', novalidate: true },
      input.wrap,
      errors,
      h(
        'div',
        { class: 'actions' },
        h('button', {
          type: 'submit',
          class: 'primary',
          text: tr('common.save'),
          testid: 'save-name',
        }),
        h('button', {
          type: 'button',
          class: 'secondary',
          text: tr('common.cancel'),
          testid: 'cancel',
          onclick: () => {
            panel.replaceChildren();
            show(actions, true);
            actions.querySelector('button')?.focus();
          },
        }),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = input.input.value.trim();
      if (name.length < 1 || name.length > 64) {
        showProblem(errors, tr('err.ERR_VALIDATION'), input.input);
        return;
      }
      clearError(errors, input.input);
      void whileBusy(form, async () => {
        try {
          device = await api<Device>(
            'PATCH',
            `/v1/account/devices/${encodeURIComponent(device.id)}`,
            {
              body: { name },
            },
          );
          focus(render());
          page.say(tr('devices.renamed', { name: device.name }));
        } catch (error) {
          if (isSignedOut(error)) requireSignIn();
          else showError(errors, error, input.input);
        }
      });
    });
    show(actions, false);
    panel.replaceChildren(form);
    input.input.focus();
  };

  const deactivateConfirm = (panel: HTMLElement, actions: HTMLElement) =>
    confirmStep({
      panel,
      actions,
      errors: errorBox(),
      question: tr('devices.confirmDeactivate', { name: device.name }),
      label: tr('devices.deactivate', { name: device.name }),
      confirmText: tr('devices.confirmDeactivateButton', { name: device.name }),
      confirmTestid: 'confirm-deactivate',
      // The question asked, the deactivation is confirmed with an activated device (or the SMS
      // code when none is left) before it is made: a session alone does not remove a device.
      confirm: async () => {
        await confirmOperation({
          area: panel,
          operation: { operation: 'deactivate-device', deviceId: device.id },
          title: 'devices.confirmDeactivateTitle',
          perform: async (confirmation) => {
            device = await api<Device>(
              'POST',
              `/v1/account/devices/${encodeURIComponent(device.id)}/deactivate`,
              { body: { confirmation } },
            );
            const name = device.name;
            focus(render());
            page.say(tr('devices.deactivated', { name }));
          },
          back: () => {
            show(actions, true);
            actions.querySelector<HTMLButtonElement>('[data-testid="deactivate"]')?.focus();
          },
        });
      },
      cancelled: () =>
        actions.querySelector<HTMLButtonElement>('[data-testid="deactivate"]')?.focus(),
    });

  render();
  return li;
}

function addDeviceSection(): HTMLElement {
  return section(
    'devices.addTitle',
    'add-device',
    h('p', { text: tr('devices.addText') }),
    activationQr('/v1/account/activation-qr', false, { title: 'devices.confirmAddTitle' }),
  );
}

function confirmationSection(page: Page, initial: Confirmation): HTMLElement {
  let saved = initial;
  const radios = new Map<Method, HTMLInputElement>();
  const boxes = new Map<Operation, HTMLInputElement>();
  const name = uid('method');

  const methodSet = h('fieldset', {}, h('legend', { text: tr('conf.method') }));
  for (const method of METHODS) {
    const id = uid('method');
    const input = h('input', {
      type: 'radio',
      name,
      id,
      value: method,
      testid: `conf-method-${method}`,
    });
    radios.set(method, input);
    methodSet.append(
      h(
        'div',
        { class: 'choice' },
        input,
        h('label', { for: id, text: tr(`conf.method.${method}`) }),
      ),
    );
  }
  const opSet = h('fieldset', {}, h('legend', { text: tr('conf.operations') }));
  for (const op of OPERATIONS) {
    const id = uid('op');
    const input = h('input', { type: 'checkbox', id, value: op, testid: `conf-op-${op}` });
    boxes.set(op, input);
    opSet.append(
      h('div', { class: 'choice' }, input, h('label', { for: id, text: tr(`conf.op.${op}`) })),
    );
  }

  const chosen = (): Confirmation => {
    const method = METHODS.find((m) => radios.get(m)?.checked) ?? saved.method;
    return {
      method,
      operations: method === 'none' ? [] : OPERATIONS.filter((op) => boxes.get(op)?.checked),
    };
  };
  const sync = () => {
    opSet.disabled = chosen().method === 'none';
  };
  const fill = (value: Confirmation) => {
    for (const [method, input] of radios) input.checked = method === value.method;
    for (const [op, input] of boxes) input.checked = value.operations.includes(op);
    sync();
  };
  methodSet.addEventListener('change', sync);

  const errors = errorBox();
  const saveButton = h('button', {
    type: 'submit',
    class: 'primary',
    text: tr('conf.save'),
    testid: 'conf-save',
  });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    methodSet,
    opSet,
    errors,
    saveButton,
  );
  const confirmArea = h('div', { class: 'stack' });
  const result = h('p', { class: 'done', testid: 'conf-result', hidden: true, tabindex: '-1' });

  const setLocked = (locked: boolean) => {
    methodSet.disabled = locked;
    opSet.disabled = locked || chosen().method === 'none';
    saveButton.disabled = locked;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(errors);
    show(result, false);
    const wanted = chosen();
    const same =
      wanted.method === saved.method &&
      wanted.operations.length === saved.operations.length &&
      wanted.operations.every((op) => saved.operations.includes(op));
    if (same) {
      page.say(tr('conf.unchanged'));
      return;
    }
    if (saveButton.disabled) return;
    saveButton.disabled = true;
    void (async () => {
      let change: ChallengeInfo;
      try {
        change = await api<ChallengeInfo>('POST', '/v1/account/confirmation-changes', {
          body: wanted,
        });
      } catch (error) {
        saveButton.disabled = false;
        if (isSignedOut(error)) requireSignIn();
        else showError(errors, error);
        return;
      }
      const path = `/v1/account/confirmation-changes/${encodeURIComponent(change.id)}/verify`;
      const finish = (body: Confirmation | { confirmation: Confirmation }) => {
        saved = 'confirmation' in body ? body.confirmation : body;
        if (!Array.isArray(saved.operations)) saved = wanted;
        confirmArea.replaceChildren();
        setLocked(false);
        fill(saved);
        bind(result, tr('conf.saved'));
        show(result, true);
        focus(result);
      };
      const panel = challengePanel({
        info: change,
        title: 'conf.confirmTitle',
        submit: 'conf.verify',
        verify: async (response) => finish(await api('POST', path, { body: { response } })),
        redeem: async () =>
          finish(
            await api('POST', path, {
              body: {},
              headers: { 'x-wait-token': change.waitToken ?? '' },
            }),
          ),
        restart: () => {
          confirmArea.replaceChildren();
          setLocked(false);
          saveButton.focus();
        },
      });
      setLocked(true);
      confirmArea.replaceChildren(panel.element);
      focus(panel.heading);
    })();
  });

  fill(saved);
  return section(
    'conf.title',
    'confirmation',
    h('p', { text: tr('conf.intro') }),
    form,
    confirmArea,
    result,
  );
}

void main();
