import { currentLang, type MessageKey } from '../i18n/i18n.js';
import { bind, focus, h, type Render, show, tr, uid } from './dom.js';
import { errorMessage } from './error-message.js';
import { toError } from './shell.js';

/** A labelled input with an optional hint, linked for screen readers. */
export interface Field {
  readonly wrap: HTMLElement;
  readonly input: HTMLInputElement;
}

/** Builds a labelled input (`label` for, `aria-describedby` to the hint). */
export function field(options: {
  readonly label: MessageKey | Render;
  readonly name: string;
  readonly type?: string;
  readonly autocomplete?: string;
  readonly inputmode?: string;
  readonly hint?: MessageKey;
  readonly testid?: string;
  readonly maxlength?: number;
  readonly required?: boolean;
  readonly value?: string;
}): Field {
  const id = uid(options.name);
  const hintId = options.hint ? `${id}-hint` : null;
  const input = h('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete ?? 'off',
    inputmode: options.inputmode ?? null,
    maxlength: options.maxlength ?? null,
    required: options.required ?? true,
    spellcheck: 'false',
    'aria-describedby': hintId,
    testid: options.testid ?? null,
  });
  if (options.value) input.value = options.value;
  const label = typeof options.label === 'function' ? options.label : tr(options.label);
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id, text: label }),
    options.hint && hintId ? h('p', { id: hintId, class: 'hint', text: tr(options.hint) }) : null,
    input,
  );
  return { wrap, input };
}

/** The error line of a form: announced at once (`role="alert"`), hidden while empty. */
export function errorBox(testid = 'error'): HTMLElement {
  return h('p', { class: 'error', role: 'alert', id: uid('error'), testid, hidden: true });
}

/**
 * Shows a failure in the person's language. With `input`, marks that field
 * invalid, links the message to it and focuses it (its text is kept);
 * otherwise focuses the message. `focus: false` only marks and links: another
 * field's message, shown at the same time, takes the focus.
 */
export function showError(
  box: HTMLElement,
  error: unknown,
  input?: HTMLInputElement,
  options: { readonly focus?: boolean } = {},
): void {
  const failure = toError(error);
  showProblem(box, () => errorMessage(failure, currentLang()), input, options);
  if (input && options.focus !== false) input.select();
}

/** Shows a message (not a service failure) in the error line, as {@link showError} does. */
export function showProblem(
  box: HTMLElement,
  render: Render,
  input?: HTMLInputElement,
  options: { readonly focus?: boolean } = {},
): void {
  bind(box, render);
  show(box, true);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const described = new Set(
      (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean),
    );
    described.add(box.id);
    input.setAttribute('aria-describedby', [...described].join(' '));
    if (options.focus !== false) input.focus();
  } else if (options.focus !== false) {
    focus(box);
  }
}

/** Clears the error line, the invalid marks of the inputs and their link to the line. */
export function clearError(box: HTMLElement, ...inputs: HTMLInputElement[]): void {
  show(box, false);
  box.textContent = '';
  for (const input of inputs) {
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && id !== box.id);
    if (described.length > 0) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

/**
 * Runs `action` with the form busy (its buttons disabled, `aria-busy`), so a
 * double click cannot send twice; always ends busy.
 */
export async function whileBusy(form: HTMLElement, action: () => Promise<void>): Promise<void> {
  if (form.getAttribute('aria-busy') === 'true') return;
  form.setAttribute('aria-busy', 'true');
  const buttons = [...form.querySelectorAll('button')].filter((b) => !b.disabled);
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } finally {
    form.removeAttribute('aria-busy');
    // A form closed by its action (a used-up challenge) stays disabled.
    if (!form.hasAttribute('data-closed')) {
      for (const button of buttons) if (button.isConnected) button.disabled = false;
    }
  }
}

/** Disables a form for good: its step is over (nothing more can be sent). */
export function closeForm(form: HTMLElement): void {
  form.setAttribute('data-closed', '');
  for (const control of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
    'input, button',
  )) {
    control.disabled = true;
  }
}

/** A heading that receives focus when its step appears. */
export function heading(level: 'h1' | 'h2', key: MessageKey, testid?: string): HTMLHeadingElement {
  return h(level, { text: tr(key), tabindex: '-1', testid: testid ?? null });
}
