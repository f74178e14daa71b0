import { ApiClient } from './api/api-client.js';
import { pickLanguage } from './i18n/i18n.js';
import { Registration } from './register/registration.js';
import { openIdbStore } from './store/idb-store.js';
import type { KvStore } from './store/kv-store.js';
import { MemoryStore } from './store/memory-store.js';
import { App, savedLanguage } from './ui/app.js';
import { DeviceVault } from './vault/device-vault.js';

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (root === null) return;
  let store: KvStore;
  let storageError = false;
  try {
    store = await openIdbStore();
  } catch {
    // Without IndexedDB the app still works until it is closed; the person is told.
    store = new MemoryStore();
    storageError = true;
  }
  const api = new ApiClient();
  const app = new App({
    root,
    api,
    vault: new DeviceVault(store),
    registration: new Registration(api, store),
    language: pickLanguage(savedLanguage(), navigator.languages ?? [navigator.language]),
  });
  root.removeAttribute('aria-busy');
  await app.start();
  if (storageError) app.announce(app.t('ERR_STORAGE'));
  registerWorker(app);
}

/**
 * Registers the service worker that keeps the app shell for offline use. A new version waits
 * until the person chooses to switch, so a page never runs with half of its files replaced.
 */
function registerWorker(app: App): void {
  if (!('serviceWorker' in navigator)) return;
  // Reload only for an update the person asked for: the first install also changes the
  // controller (the worker claims the page), and that needs no reload.
  let switching = false;
  const offer = (worker: ServiceWorker) =>
    app.updateReady(() => {
      switching = true;
      worker.postMessage({ type: 'skip-waiting' });
    });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!switching) return;
    switching = false;
    location.reload();
  });
  navigator.serviceWorker
    .register('sw.js', { scope: './' })
    .then((registration) => {
      // A worker already waiting (installed during an earlier visit) is offered at once.
      if (registration.waiting !== null && navigator.serviceWorker.controller !== null) {
        offer(registration.waiting);
      }
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          // The first install needs no reload: there was no older version on the page.
          if (installing.state === 'installed' && navigator.serviceWorker.controller !== null) {
            offer(installing);
          }
        });
      });
    })
    .catch(() => {
      // No worker (a plain-http origin other than localhost): the app works, online only.
    });
}

void main();
