import type { QrLoginRequest, QrPaymentRequest } from '@cipherpad/core';
import type { ApiClient } from '../api/api-client.js';
import type { PendingRequest } from '../device/pending-request.js';
import type { FeedStatus } from '../device/request-feed.js';
import type { Language, MessageKey } from '../i18n/i18n.js';
import type { Registration } from '../register/registration.js';
import type { DeviceVault } from '../vault/device-vault.js';
import type { DeviceKeys, StoredDevice } from '../vault/stored-device.js';

/** The screens of the app, with what each opens with. */
export type Screen =
  | { readonly name: 'welcome'; readonly notice?: string }
  | { readonly name: 'register' }
  | {
      readonly name: 'activate';
      readonly email?: string;
      readonly code?: string;
      readonly notice?: string;
    }
  | { readonly name: 'unlock'; readonly notice?: string }
  | { readonly name: 'authorization' }
  | { readonly name: 'payment' }
  | { readonly name: 'scan' }
  | { readonly name: 'confirm'; readonly request: QrLoginRequest | QrPaymentRequest }
  | { readonly name: 'requests'; readonly focus?: string }
  | { readonly name: 'settings'; readonly notice?: string };

/** What the screens get from the app. */
export interface AppContext {
  readonly language: Language;
  readonly api: ApiClient;
  readonly vault: DeviceVault;
  readonly registration: Registration;
  /** The activated device, if any. */
  readonly device: StoredDevice | undefined;
  /** The device's keys once unlocked. */
  readonly keys: DeviceKeys | undefined;
  /** A text in the current language. */
  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string;
  /** The message for a thrown error, in the current language. */
  errorText(error: unknown): string;
  /** Opens a screen. */
  go(screen: Screen): void;
  /** Reads and keeps what was typed into a field, across screens and language switches. */
  draft(id: string): string;
  setDraft(id: string, value: string): void;
  /** The device was activated (or unlocked) with these keys. */
  opened(device: StoredDevice, keys: DeviceKeys): void;
  /** Forgets the keys in memory; a PIN is needed again. */
  lock(): void;
  /** Everything stored was deleted. */
  wiped(notice: string): void;
  /** The pending requests known to the app, newest first, and how they arrive. */
  pending(): readonly PendingRequest[];
  feedStatus(): { status: FeedStatus; code?: string };
  /** A request was answered from this app: forget it and tell the person `outcome`. */
  answered(id: string, outcome: string): void;
  /** Says something through the page's polite live region. */
  announce(text: string): void;
}
