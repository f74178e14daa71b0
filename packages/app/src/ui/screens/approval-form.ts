import { AppError } from '../../app-error.js';
import { readMatchNumber } from '../../device/pending-request.js';
import type { AppContext } from '../context.js';
import { busy, button, field, h, messages } from '../dom.js';

/**
 * Online approval of one request with number matching (PRODUCT.md flow 8): the person types
 * the number the site shows, then approves; or denies. Both are signed device requests. For a
 * site asking for the first time (`firstTime`) the button reads "Allow and approve": the service
 * records the consent with the approval (docs/confirmation-api.md, "Consent"). `hint` says what
 * typing the number makes sure of, for this kind of request (`matchHint`).
 */
export function approvalForm(
  ctx: AppContext,
  requestId: string,
  options: { hint: string; expiresAt?: number; firstTime?: boolean },
): HTMLElement {
  const prefix = `approve-${requestId}`;
  const msg = messages(prefix);
  const number = field({
    id: `${prefix}-number`,
    label: ctx.t('matchNumber'),
    help: options.hint,
    inputmode: 'numeric',
    maxlength: 2,
    value: ctx.draft(`${prefix}-number`),
    onInput: (v) => ctx.setDraft(`${prefix}-number`, v),
  });
  const path = `/v1/device/requests/${encodeURIComponent(requestId)}`;
  const send = async (action: 'approve' | 'deny', body: Record<string, string>) => {
    const { device, keys } = ctx;
    if (device === undefined || keys === undefined) return;
    if (options.expiresAt !== undefined && options.expiresAt <= Date.now()) {
      throw new AppError('ERR_REQUEST_EXPIRED', 'expired');
    }
    await ctx.api.post(`${path}/${action}`, body, {
      deviceId: device.deviceId,
      signingKey: keys.signingKey,
    });
  };
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, class: 'approval', 'data-testid': `${prefix}-form` },
    number.element,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', 'data-testid': `${prefix}-submit` },
        ctx.t(options.firstTime === true ? 'allowAndApprove' : 'approve'),
      ),
      button(
        ctx.t('deny'),
        `${prefix}-deny`,
        () => {
          void busy(form, async () => {
            try {
              await send('deny', {});
              finish(ctx.t('denied'));
            } catch (error) {
              msg.error(ctx.errorText(error));
            }
          });
        },
        { class: 'danger' },
      ),
    ),
    msg.element,
  );
  const finish = (text: string) => {
    ctx.setDraft(`${prefix}-number`, '');
    const done = h('p', { role: 'status', class: 'ok', 'data-testid': `${prefix}-done` }, text);
    form.replaceWith(done);
    ctx.answered(requestId, text);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    number.setError(undefined);
    const matched = readMatchNumber(number.input.value);
    if (matched === undefined) {
      number.setError(ctx.t('matchNumberFormat'));
      number.input.focus();
      return;
    }
    void busy(form, async () => {
      try {
        await send('approve', { number: matched });
        finish(ctx.t(options.firstTime === true ? 'approvedFirstTime' : 'approved'));
      } catch (error) {
        number.setError(ctx.errorText(error));
        number.input.select();
        number.input.focus();
      }
    });
  });
  return form;
}
