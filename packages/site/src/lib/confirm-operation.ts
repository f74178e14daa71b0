import type { MessageKey } from '../i18n/i18n.js';
import { api } from './api.js';
import { type ChallengeInfo, type ChallengePanel, challengePanel } from './challenge-panel.js';
import { focus } from './dom.js';

/** A device operation the service confirms first (docs/web-api.md, "Device operations"). */
export type DeviceOperation =
  | { readonly operation: 'show-activation' }
  | { readonly operation: 'deactivate-device'; readonly deviceId: string };

/**
 * Confirms a device operation with an activated device before doing it, as a
 * change of the confirmation settings is confirmed: starts the confirmation,
 * shows the same challenge panel in `area` (the number to match for the
 * online approval, the challenge to type or scan, or the SMS code field when
 * no device is left), and once the service has verified it calls `perform` with
 * the confirmation's id, which the operation's own request carries. A
 * refusal of `perform` shows in the panel. `back` is called when the person
 * starts again. Throws the service's refusal to start.
 */
export async function confirmOperation(options: {
  readonly area: HTMLElement;
  readonly operation: DeviceOperation;
  readonly title: MessageKey;
  perform(confirmation: string): Promise<void>;
  back(): void;
}): Promise<ChallengePanel> {
  const info = await api<ChallengeInfo>('POST', '/v1/account/confirmations', {
    body: options.operation,
  });
  const path = `/v1/account/confirmations/${encodeURIComponent(info.id)}/verify`;
  const panel = challengePanel({
    info,
    title: options.title,
    submit: 'conf.verify',
    verify: async (response) => {
      await api('POST', path, { body: { response } });
      await options.perform(info.id);
    },
    redeem: async () => {
      await api('POST', path, { body: {}, headers: { 'x-wait-token': info.waitToken ?? '' } });
      await options.perform(info.id);
    },
    restart: () => {
      options.area.replaceChildren();
      options.back();
    },
  });
  options.area.replaceChildren(panel.element);
  focus(panel.heading);
  return panel;
}
