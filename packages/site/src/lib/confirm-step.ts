import { focus, h, type Render, show, tr } from './dom.js';
import { showError, whileBusy } from './forms.js';
import { isSignedOut, requireSignIn } from './session.js';

/**
 * Asks, in place, before something that cannot be undone (deactivating a
 * device, withdrawing a site's consent): `panel` shows the question with the
 * confirming button and Cancel while `actions` (the buttons that led here)
 * are hidden. Cancel puts them back and calls `cancelled` (to move the
 * focus); a failure of `confirm` shows in `errors`, and a signed-out person
 * is sent to sign in.
 */
export function confirmStep(options: {
  panel: HTMLElement;
  actions: HTMLElement;
  errors: HTMLElement;
  /** The question, and the group's accessible name. */
  question: Render;
  label: Render;
  /** The confirming button's text and test id. */
  confirmText: Render;
  confirmTestid: string;
  confirm: () => Promise<void>;
  cancelled: () => void;
}): void {
  const { panel, actions, errors } = options;
  const question = h('p', { class: 'warning', text: options.question, tabindex: '-1' });
  const box = h(
    'div',
    { class: 'stack confirm', role: 'group', 'aria-label': options.label },
    question,
    errors,
  );
  const cancel = h('button', {
    type: 'button',
    class: 'secondary',
    text: tr('common.cancel'),
    testid: 'cancel',
    onclick: () => {
      panel.replaceChildren();
      show(actions, true);
      options.cancelled();
    },
  });
  const yes = h('button', {
    type: 'button',
    class: 'danger',
    text: options.confirmText,
    testid: options.confirmTestid,
    onclick: () =>
      whileBusy(box, async () => {
        try {
          await options.confirm();
        } catch (error) {
          if (isSignedOut(error)) requireSignIn();
          else showError(errors, error);
        }
      }),
  });
  box.append(h('div', { class: 'actions' }, yes, cancel));
  show(actions, false);
  panel.replaceChildren(box);
  focus(question);
}
