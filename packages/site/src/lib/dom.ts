import { type MessageKey, type Params, t } from '../i18n/i18n.js';

/** Produces a text in the current language; re-run when the language changes. */
export type Render = () => string;

/** A localized text: the message `key` with `params`, in whatever language is current. */
export function tr(key: MessageKey, params?: Params): Render {
  return () => t(key, params);
}

const MARK = 'data-l10n';
const bindings = new WeakMap<Element, Map<string, Render>>();

/**
 * Sets an element's text (`attr` omitted) or attribute from `render`, and
 * keeps it so that a language switch re-renders it in place: nothing the
 * person typed or any step reached is lost.
 */
export function bind(el: Element, render: Render, attr = ''): void {
  let map = bindings.get(el);
  if (!map) {
    map = new Map();
    bindings.set(el, map);
    el.setAttribute(MARK, '');
  }
  map.set(attr, render);
  apply(el, attr, render);
}

function apply(el: Element, attr: string, render: Render): void {
  if (attr) el.setAttribute(attr, render());
  else el.textContent = render();
}

/** Re-renders every bound text of the document (after a language switch). */
export function relocalize(): void {
  for (const el of document.querySelectorAll(`[${MARK}]`)) {
    for (const [attr, render] of bindings.get(el) ?? []) apply(el, attr, render);
  }
}

type Child = Node | string | null | undefined | false;
type Props = {
  [name: string]: string | number | boolean | Render | ((event: Event) => void) | null | undefined;
};

/**
 * Creates an element. `text` (a Render or a plain string) sets its text;
 * `testid` sets `data-testid`; `on*` functions become listeners; other
 * Render values become localized attributes; `false`/`null` skip an attribute.
 */
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
/** A document-unique id for label/description links. */
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Moves focus to an element that is not focusable by itself (a heading, an error). */
export function focus(el: HTMLElement): void {
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

/** Shows or hides an element through the `hidden` attribute (no inline styles: CSP). */
export function show(el: Element, visible: boolean): void {
  el.toggleAttribute('hidden', !visible);
}
