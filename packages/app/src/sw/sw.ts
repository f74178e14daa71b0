/// <reference lib="webworker" />

/**
 * The app's service worker: precaches the app shell (the files build.mjs lists) in a cache
 * named after their hashes, answers from it so the app opens offline, and removes the caches of
 * older versions once it takes over. It never touches the API (`/v1/…`).
 */

declare const self: ServiceWorkerGlobalScope;
// Set by build.mjs: the version (a hash of every precached file) and the files, relative to
// the worker's own URL.
declare const __CACHE_VERSION__: string;
declare const __PRECACHE__: readonly string[];

const CACHE_PREFIX = 'cipherpad-app-';
const CACHE = `${CACHE_PREFIX}${__CACHE_VERSION__}`;
const SCOPE = new URL('./', self.location.href);
const INDEX = new URL('./', SCOPE).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        cache.addAll(
          __PRECACHE__.map((path) => new Request(new URL(path, SCOPE), { cache: 'reload' })),
        ),
      ),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === 'skip-waiting'
  ) {
    void self.skipWaiting();
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  if (request.mode === 'navigate') {
    // Every page of the app is the one shell page; fresh from the network would need a round
    // trip before the answer screen shows, so the cached shell comes first.
    event.respondWith(fromCache(INDEX).then((cached) => cached ?? fetch(request)));
    return;
  }
  event.respondWith(fromCache(request).then((cached) => cached ?? fetch(request)));
});

async function fromCache(request: RequestInfo): Promise<Response | undefined> {
  const cache = await caches.open(CACHE);
  return cache.match(request, { ignoreSearch: true });
}

export {};
