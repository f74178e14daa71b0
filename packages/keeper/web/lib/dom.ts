import { currentLang, type MessageKey, t } from './i18n.js';

/** Produces a text in the current language; re-run when the language changes. */
export type Render = () => string;

/** The message `key` with `params`, in whatever language is current. */
export function tr(key: MessageKey, params?: Record<string, unknown>): Render {
  return () => t(key, params);
}

const MARK = 'data-l10n';
const bindings = new WeakMap<Element, Map<string, Render>>();

/** Sets an element's text (or attribute) from `render`, and re-renders it on a language switch. */
export function bind(el: Element, render: Render, attr = ''): void {
  let map = bindings.get(el);
  if (!map) {
    map = new Map();
    bindings.set(el, map);
    el.setAttribute(MARK, '');
  }
  map.set(attr, render);
  if (attr) el.setAttribute(attr, render());
  else el.textContent = render();
}

/** Re-renders every bound text (after a language switch), keeping what was typed. */
export function relocalize(): void {
  for (const el of document.querySelectorAll(`[${MARK}]`)) {
    for (const [attr, render] of bindings.get(el) ?? []) {
      if (attr) el.setAttribute(attr, render());
      else el.textContent = render();
    }
  }
}

type Child = Node | string | null | undefined | false;
type Props = Record<
  string,
  string | number | boolean | Render | ((event: Event) => void) | null | undefined
>;

/** Creates an element: `text` sets its text, `testid` its `data-testid`, `on*` listeners, Render values localized attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') {
      if (typeof value === 'function') bind(el, value as Render);
      else el.textContent = String(value);
    } else if (name === 'testid') {
      el.dataset.testid = String(value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value as (event: Event) => void);
    } else if (typeof value === 'function') {
      bind(el, value as Render, name);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

let ids = 0;
/** A document-unique id. */
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Focuses an element that is not focusable by itself (a heading, a message). */
export function focus(el: HTMLElement): void {
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

/** Shows or hides through `hidden` (no inline style: CSP). */
export function show(el: Element, visible: boolean): void {
  el.toggleAttribute('hidden', !visible);
}

/** A labelled input with an optional hint. */
export function field(options: {
  label: MessageKey;
  name: string;
  testid: string;
  type?: string;
  inputmode?: string;
  autocomplete?: string;
  hint?: MessageKey;
  maxlength?: number;
  required?: boolean;
}): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = uid(options.name);
  const hintId = options.hint ? `${id}-hint` : null;
  const input = h('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    inputmode: options.inputmode ?? null,
    autocomplete: options.autocomplete ?? 'off',
    maxlength: options.maxlength ?? null,
    required: options.required ?? true,
    spellcheck: 'false',
    'aria-describedby': hintId,
    testid: options.testid,
  });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id, text: tr(options.label) }),
    options.hint && hintId ? h('p', { id: hintId, class: 'hint', text: tr(options.hint) }) : null,
    input,
  );
  return { wrap, input };
}

/** A form's error line: announced at once, hidden while empty. */
export function errorBox(testid = 'error'): HTMLElement {
  return h('p', { class: 'error', role: 'alert', id: uid('error'), testid, hidden: true });
}

/** Shows a message in an error line; marks and focuses `input` when given. */
export function showProblem(box: HTMLElement, render: Render, input?: HTMLInputElement): void {
  bind(box, render);
  show(box, true);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute(
      'aria-describedby',
      `${input.getAttribute('aria-describedby') ?? ''} ${box.id}`.trim(),
    );
    input.focus();
  } else {
    focus(box);
  }
}

/** Clears an error line and the invalid marks. */
export function clearProblem(box: HTMLElement, ...inputs: HTMLInputElement[]): void {
  show(box, false);
  box.textContent = '';
  for (const input of inputs) input.removeAttribute('aria-invalid');
}

/** Runs `action` with the form's buttons disabled, so a double click cannot send twice. */
export async function whileBusy(form: HTMLElement, action: () => Promise<void>): Promise<void> {
  if (form.getAttribute('aria-busy') === 'true') return;
  form.setAttribute('aria-busy', 'true');
  const buttons = [...form.querySelectorAll('button')].filter((b) => !b.disabled);
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } finally {
    form.removeAttribute('aria-busy');
    if (!form.hasAttribute('data-closed')) for (const button of buttons) button.disabled = false;
  }
}

/** A time of day in the current language. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(currentLang() === 'ru' ? 'ru-RU' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A date and time in the current language. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(currentLang() === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
  });
}
