import type { ApiClient } from '../api/api-client.js';
import { errorCode } from '../app-error.js';
import type { PendingRequest } from '../device/pending-request.js';
import {
  type ActivatedDevice,
  type FeedStatus,
  type NamedDevice,
  RequestFeed,
} from '../device/request-feed.js';
import { operationText } from '../device/request-summary.js';
import { errorMessage, type Language, type MessageKey, translate } from '../i18n/i18n.js';
import type { Registration } from '../register/registration.js';
import type { DeviceVault } from '../vault/device-vault.js';
import type { DeviceKeys, StoredDevice } from '../vault/stored-device.js';
import type { AppContext, Screen } from './context.js';
import { button, h } from './dom.js';
import { activateScreen } from './screens/activate.js';
import { authorizationScreen, paymentScreen } from './screens/answer.js';
import { confirmScreen } from './screens/confirm.js';
import { registerScreen } from './screens/register.js';
import { requestsScreen } from './screens/requests.js';
import { scanScreen, stopScan } from './screens/scan.js';
import { settingsScreen } from './screens/settings.js';
import { unlockScreen } from './screens/unlock.js';
import { welcomeScreen } from './screens/welcome.js';

const LANGUAGE_KEY = 'cipherpad-app-language';
// With a PIN, keys in memory are forgotten when the app was hidden this long.
const RELOCK_AFTER_MS = 5 * 60_000;

/** What the app is built from. */
export interface AppDeps {
  readonly root: HTMLElement;
  readonly api: ApiClient;
  readonly vault: DeviceVault;
  readonly registration: Registration;
  readonly language: Language;
}

type NavName = 'authorization' | 'payment' | 'scan' | 'requests' | 'settings';
const NAV: readonly (readonly [NavName, MessageKey])[] = [
  ['authorization', 'navAuth'],
  ['payment', 'navPayment'],
  ['scan', 'navScan'],
  ['requests', 'navRequests'],
  ['settings', 'navSettings'],
];

/** The app: its state, the page around the screens, and navigation between them. */
export class App implements AppContext {
  readonly api: ApiClient;
  readonly vault: DeviceVault;
  readonly registration: Registration;
  language: Language;
  device: StoredDevice | undefined;
  keys: DeviceKeys | undefined;

  readonly #root: HTMLElement;
  readonly #main = h('main', { id: 'main', tabindex: -1 });
  readonly #banners = h('div', { class: 'banners' });
  readonly #announcer = h('div', {
    class: 'sr-only',
    'aria-live': 'polite',
    'data-testid': 'announcer',
  });
  readonly #drafts = new Map<string, string>();
  #screen: Screen = { name: 'welcome' };
  #feed: RequestFeed | undefined;
  #requests: readonly PendingRequest[] = [];
  #feedStatus: { status: FeedStatus; code?: string } = { status: 'off' };
  #newRequest: PendingRequest | undefined;
  #outcome: string | undefined;
  /** A device just activated on the account, shown until the person dismisses it. */
  #newDevice: ActivatedDevice | undefined;
  #updateReady: (() => void) | undefined;
  #hiddenAt: number | undefined;

  constructor(deps: AppDeps) {
    this.#root = deps.root;
    this.api = deps.api;
    this.vault = deps.vault;
    this.registration = deps.registration;
    this.language = deps.language;
    addEventListener('online', () => {
      this.#renderChrome();
      this.#feed?.start();
    });
    addEventListener('offline', () => this.#renderChrome());
    document.addEventListener('visibilitychange', () => this.#visibility());
  }

  /** Opens the first screen from what is stored: welcome, unlock, or the answer screen. */
  async start(): Promise<void> {
    this.device = await this.vault.device();
    if (this.device === undefined) {
      this.go({ name: 'welcome' }, false);
    } else if (this.device.protection === 'none') {
      this.opened(this.device, this.device.keys, false);
    } else {
      this.go({ name: 'unlock' }, false);
    }
  }

  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
    return translate(this.language, key, params);
  }

  errorText(error: unknown): string {
    const details =
      typeof error === 'object' && error !== null && 'details' in error
        ? ((error as { details: Record<string, unknown> }).details ?? {})
        : {};
    return errorMessage(this.language, errorCode(error), details);
  }

  go(screen: Screen, focus = true): void {
    if (this.#screen.name === 'scan' && screen.name !== 'scan') stopScan();
    const needsKeys = ['authorization', 'payment', 'confirm', 'requests', 'settings'];
    if (needsKeys.includes(screen.name) && this.keys === undefined) {
      screen = this.device === undefined ? { name: 'welcome' } : { name: 'unlock' };
    }
    if (screen.name !== 'requests') this.#outcome = undefined;
    this.#screen = screen;
    this.#render(focus ? 'heading' : undefined);
    if (screen.name === 'requests' && screen.focus !== undefined) {
      document.getElementById(`approve-${screen.focus}-number`)?.focus();
    }
  }

  draft(id: string): string {
    return this.#drafts.get(id) ?? '';
  }

  setDraft(id: string, value: string): void {
    this.#drafts.set(id, value);
  }

  opened(device: StoredDevice, keys: DeviceKeys, focus = true): void {
    this.device = device;
    this.keys = keys;
    this.#feed?.stop();
    this.#feed = new RequestFeed(
      this.api,
      { deviceId: device.deviceId, signingKey: keys.signingKey },
      {
        onRequests: (requests, added) => this.#onRequests(requests, added),
        onDeviceActivated: (added) => {
          this.#newDevice = added;
          this.announce(this.#describeDevice(added));
          this.#renderChrome();
        },
        onDeviceNamed: (named) => void this.#deviceNamed(named),
        onStatus: (status, code) => {
          this.#feedStatus = code === undefined ? { status } : { status, code };
          if (this.#screen.name === 'requests') this.#render('keep');
        },
      },
    );
    this.#feed.start();
    this.go({ name: 'authorization' }, focus);
  }

  lock(): void {
    this.#feed?.stop();
    this.#feed = undefined;
    this.keys = undefined;
    this.#requests = [];
    this.#newRequest = undefined;
    this.#drafts.clear();
    this.go(this.device === undefined ? { name: 'welcome' } : { name: 'unlock' });
  }

  wiped(notice: string): void {
    this.device = undefined;
    this.lock();
    this.go({ name: 'welcome', notice });
  }

  pending(): readonly PendingRequest[] {
    return this.#requests;
  }

  feedStatus(): { status: FeedStatus; code?: string } {
    return this.#feedStatus;
  }

  answered(id: string, outcome: string): void {
    this.#outcome = outcome;
    this.announce(outcome);
    if (this.#newRequest?.id === id) this.#newRequest = undefined;
    this.#feed?.remove(id);
    this.#renderChrome();
  }

  announce(text: string): void {
    // Emptied first, so that the same text twice is read twice.
    this.#announcer.textContent = '';
    setTimeout(() => {
      this.#announcer.textContent = text;
    }, 50);
  }

  /** Shows "a new version is ready"; `apply` switches to it. */
  updateReady(apply: () => void): void {
    this.#updateReady = apply;
    this.#renderChrome();
  }

  #onRequests(requests: readonly PendingRequest[], added: PendingRequest | undefined): void {
    this.#requests = requests;
    if (added !== undefined) {
      this.#newRequest = added;
      this.#outcome = undefined;
    } else if (
      this.#newRequest !== undefined &&
      !requests.some((r) => r.id === this.#newRequest?.id)
    ) {
      this.#newRequest = undefined;
    }
    const scanned = this.#screen.name === 'confirm' ? this.#screen.request.id : undefined;
    if (this.#screen.name === 'requests') {
      this.#newRequest = undefined;
      this.#render('keep');
    } else if (scanned !== undefined && added?.id === scanned) {
      // The scanned request arrived from the service: its details and online approval can show.
      this.#newRequest = undefined;
      this.#render('keep');
    } else {
      this.#renderChrome();
    }
    if (added !== undefined) this.announce(this.#describe(added));
  }

  /**
   * A device was renamed (on the security site): this device keeps its new name, and the notice
   * of a newly activated device shows that one's.
   */
  async #deviceNamed(named: NamedDevice): Promise<void> {
    if (this.#newDevice?.id === named.id && this.#newDevice.name !== named.name) {
      this.#newDevice = { ...this.#newDevice, name: named.name };
      this.#renderChrome();
    }
    const own = this.device;
    if (own === undefined || own.deviceId !== named.id || own.name === named.name) return;
    let renamed: StoredDevice | undefined;
    try {
      renamed = await this.vault.rename(named.id, named.name);
    } catch {
      // Storage refused: the new name shows until the app closes, and is read again next time.
      renamed = { ...own, name: named.name };
    }
    if (renamed === undefined || this.device?.deviceId !== named.id) return;
    this.device = renamed;
    if (this.#screen.name === 'settings') this.#render('keep');
  }

  #describeDevice(device: ActivatedDevice): string {
    const time = new Intl.DateTimeFormat(this.language, {
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(device.at);
    return this.t('deviceActivated', { name: device.name, ip: device.ip, time });
  }

  #describe(request: PendingRequest): string {
    return this.t('newRequest', {
      op: operationText(request, (key, params) => this.t(key, params)),
      site: request.site ?? this.t('securitySite'),
    });
  }

  #visibility(): void {
    if (document.visibilityState === 'hidden') {
      this.#hiddenAt = Date.now();
      return;
    }
    const away = this.#hiddenAt === undefined ? 0 : Date.now() - this.#hiddenAt;
    this.#hiddenAt = undefined;
    if (this.device?.protection === 'pin' && this.keys !== undefined && away > RELOCK_AFTER_MS) {
      this.lock();
    } else {
      this.#feed?.start();
    }
  }

  #switchLanguage(): void {
    this.language = this.language === 'en' ? 'ru' : 'en';
    try {
      localStorage.setItem(LANGUAGE_KEY, this.language);
    } catch {
      // Private mode: the choice lasts until the app is closed.
    }
    this.#render('keep');
    document.getElementById('language-switch')?.focus();
  }

  /** Renders the page; `focus` moves the focus to the new heading or keeps it where it was. */
  #render(focus: 'heading' | 'keep' | undefined): void {
    const focusedId = document.activeElement?.id;
    document.documentElement.lang = this.language;
    document.title = this.t('appName');
    const content = this.#screenContent();
    this.#main.replaceChildren(content);
    this.#renderChrome();
    if (this.#root.childElementCount === 0) {
      this.#root.append(
        h('a', { class: 'skip', href: '#main' }, this.t('skipToContent')),
        this.#header(),
        this.#banners,
        this.#main,
        h('nav', { id: 'nav' }),
        this.#announcer,
      );
      this.#renderChrome();
    }
    if (focus === 'heading') {
      this.#main.querySelector<HTMLElement>('h1')?.focus();
    } else if (focus === 'keep' && focusedId) {
      document.getElementById(focusedId)?.focus();
    }
  }

  #screenContent(): HTMLElement {
    const s = this.#screen;
    switch (s.name) {
      case 'welcome':
        return welcomeScreen(this, s.notice);
      case 'register':
        return registerScreen(this);
      case 'activate':
        return activateScreen(this, s);
      case 'unlock':
        return unlockScreen(this, s.notice);
      case 'authorization':
        return authorizationScreen(this);
      case 'payment':
        return paymentScreen(this);
      case 'scan':
        return scanScreen(this);
      case 'confirm':
        return confirmScreen(this, s.request);
      case 'requests':
        this.#newRequest = undefined;
        return requestsScreen(this);
      case 'settings':
        return settingsScreen(this, s.notice);
    }
  }

  #header(): HTMLElement {
    return h('header', { class: 'top' });
  }

  /** The header, the banners and the navigation: what changes without a screen change. */
  #renderChrome(): void {
    const header = this.#root.querySelector('header');
    if (header !== null) {
      const offline = navigator.onLine
        ? null
        : h('span', { class: 'badge', 'data-testid': 'offline-badge' }, this.t('offlineBadge'));
      header.replaceChildren(
        h('span', { class: 'brand' }, this.t('appName')),
        offline ?? '',
        button(this.t('switchLanguage'), 'language-switch', () => this.#switchLanguage(), {
          id: 'language-switch',
          class: 'link',
          lang: this.language === 'en' ? 'ru' : 'en',
          'aria-label': this.t('switchLanguageLabel'),
        }),
      );
    }

    const banners: HTMLElement[] = [];
    if (this.#updateReady !== undefined) {
      const apply = this.#updateReady;
      banners.push(
        h(
          'div',
          { class: 'banner', role: 'status', 'data-testid': 'update-banner' },
          h('span', {}, this.t('updateReady')),
          button(this.t('updateReload'), 'update-reload', () => apply()),
        ),
      );
    }
    const added = this.#newRequest;
    if (added !== undefined && this.#screen.name !== 'requests') {
      banners.push(
        h(
          'div',
          { class: 'banner attention', 'data-testid': 'request-banner' },
          h('span', {}, this.#describe(added)),
          button(this.t('review'), 'request-banner-review', () =>
            this.go({ name: 'requests', focus: added.id }),
          ),
        ),
      );
    }
    const newDevice = this.#newDevice;
    if (newDevice !== undefined && this.keys !== undefined) {
      banners.push(
        h(
          'div',
          { class: 'banner attention', role: 'status', 'data-testid': 'device-banner' },
          h('span', {}, this.#describeDevice(newDevice)),
          button(this.t('dismiss'), 'device-banner-dismiss', () => {
            this.#newDevice = undefined;
            this.#renderChrome();
          }),
        ),
      );
    }
    if (this.#outcome !== undefined && this.#screen.name === 'requests') {
      banners.push(
        h(
          'div',
          { class: 'banner ok', role: 'status', 'data-testid': 'request-outcome' },
          this.#outcome,
        ),
      );
    }
    this.#banners.replaceChildren(...banners);

    const nav = this.#root.querySelector('nav');
    if (nav !== null) {
      nav.hidden = this.keys === undefined;
      nav.setAttribute('aria-label', this.t('mainNav'));
      const count = this.#requests.length;
      nav.replaceChildren(
        h(
          'ul',
          {},
          ...NAV.map(([name, label]) =>
            h(
              'li',
              {},
              button(
                name === 'requests' && count > 0
                  ? this.t('navRequestsCount', { n: count })
                  : this.t(label),
                `nav-${name}`,
                () => this.go({ name } as Screen),
                {
                  id: `nav-${name}`,
                  'aria-current': this.#screen.name === name ? 'page' : undefined,
                },
              ),
            ),
          ),
        ),
      );
    }
  }
}

/** The language saved by the switch, if any. */
export function savedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}
