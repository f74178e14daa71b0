/** A child of {@link h}: a node, a text, or nothing. */
export type Child = Node | string | null | undefined | false;

/** Attributes and listeners of {@link h}. */
export type Props = Readonly<Record<string, string | number | boolean | EventListener | undefined>>;

/**
 * Makes an element: `on…` props become listeners, `class` the class name, booleans present
 * or absent attributes, and everything else an attribute. Texts are text nodes, never HTML.
 *
 * @example
 * ```ts
 * h('button', { type: 'button', 'data-testid': 'go', onclick: () => go() }, 'Go');
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = String(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** A labelled input with its error line, wired for screen readers. */
export interface Field {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** Shows an error under the field (and marks it invalid), or clears it with undefined. */
  setError(text: string | undefined): void;
}

/** Options of {@link field}. */
export interface FieldOptions {
  readonly id: string;
  readonly label: string;
  readonly type?: string;
  readonly value?: string;
  readonly inputmode?: string;
  readonly autocomplete?: string;
  readonly help?: string;
  readonly required?: boolean;
  readonly maxlength?: number;
  readonly pattern?: string;
  /** Called with the value on every input (to keep a draft, or compute as one types). */
  readonly onInput?: (value: string) => void;
}

/** A labelled input; its `data-testid` is its id. */
export function field(options: FieldOptions): Field {
  const errorId = `${options.id}-error`;
  const helpId = `${options.id}-help`;
  const describedBy = [options.help === undefined ? undefined : helpId, errorId]
    .filter((id) => id !== undefined)
    .join(' ');
  const input = h('input', {
    id: options.id,
    name: options.id,
    type: options.type ?? 'text',
    inputmode: options.inputmode,
    autocomplete: options.autocomplete ?? 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    required: options.required,
    maxlength: options.maxlength,
    'aria-describedby': describedBy,
    'data-testid': options.id,
  });
  input.value = options.value ?? '';
  const onInput = options.onInput;
  if (onInput !== undefined) input.addEventListener('input', () => onInput(input.value));
  const error = h('p', { id: errorId, class: 'field-error', 'data-testid': errorId });
  error.hidden = true;
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: options.id }, options.label),
    options.help === undefined ? null : h('p', { id: helpId, class: 'help' }, options.help),
    input,
    error,
  );
  return {
    element,
    input,
    setError(text) {
      error.textContent = text ?? '';
      error.hidden = text === undefined;
      if (text === undefined) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
    },
  };
}

/** The two message lines of a screen: progress (polite) and errors (assertive). */
export interface Messages {
  readonly element: HTMLElement;
  info(text: string): void;
  error(text: string): void;
  clear(): void;
}

/** A screen's message lines, with test ids `<prefix>-status` and `<prefix>-error`. */
export function messages(prefix: string): Messages {
  const status = h('p', { role: 'status', class: 'status', 'data-testid': `${prefix}-status` });
  const alert = h('p', { role: 'alert', class: 'alert', 'data-testid': `${prefix}-error` });
  return {
    element: h('div', { class: 'messages' }, status, alert),
    info(text) {
      alert.textContent = '';
      status.textContent = text;
    },
    error(text) {
      status.textContent = '';
      alert.textContent = text;
    },
    clear() {
      status.textContent = '';
      alert.textContent = '';
    },
  };
}

/** A screen: a section labelled by its heading, which takes the focus when the screen opens. */
export function screen(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { class: 'screen', 'aria-labelledby': `${id}-title`, 'data-testid': `screen-${id}` },
    h('h1', { id: `${id}-title`, tabindex: -1 }, title),
    ...children,
  );
}

/** A button; `type` is `button` unless given. */
export function button(
  label: string,
  testid: string,
  onclick: (event: Event) => void,
  props: Props = {},
): HTMLButtonElement {
  return h('button', { type: 'button', 'data-testid': testid, onclick, ...props }, label);
}

/** Marks a form busy (its buttons disabled) while `work` runs. */
export async function busy<T>(form: HTMLElement, work: () => Promise<T>): Promise<T> {
  const controls = [
    ...form.querySelectorAll<HTMLButtonElement | HTMLInputElement>('button, input'),
  ];
  const enabled = controls.filter((c) => !c.disabled);
  form.setAttribute('aria-busy', 'true');
  for (const control of enabled) if (control instanceof HTMLButtonElement) control.disabled = true;
  try {
    return await work();
  } finally {
    form.removeAttribute('aria-busy');
    for (const control of enabled) control.disabled = false;
  }
}
