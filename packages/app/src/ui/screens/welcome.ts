import type { AppContext } from '../context.js';
import { button, h, screen } from '../dom.js';

/** Before activation: activate, scan an activation QR, or register. */
export function welcomeScreen(ctx: AppContext, notice: string | undefined): HTMLElement {
  return screen(
    'welcome',
    ctx.t('welcomeTitle'),
    notice === undefined
      ? null
      : h('p', { role: 'alert', class: 'alert', 'data-testid': 'welcome-notice' }, notice),
    h('p', {}, ctx.t('welcomeText')),
    h(
      'div',
      { class: 'actions stack' },
      button(ctx.t('welcomeActivate'), 'welcome-activate', () => ctx.go({ name: 'activate' }), {
        class: 'primary',
      }),
      button(ctx.t('welcomeScanActivation'), 'welcome-scan', () => ctx.go({ name: 'scan' })),
      button(ctx.t('welcomeRegister'), 'welcome-register', () => ctx.go({ name: 'register' })),
    ),
  );
}
