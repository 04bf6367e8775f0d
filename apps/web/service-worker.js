/* The console's service worker (written into dist/web/sw.js by the build with the list of files and a version).
 * The app shell is cached at install; navigations go to the network first and fall back to the cached index.html,
 * hashed assets come from the cache. The API (/graphql, /exports…) is never cached. */
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `cdtg-shell-${VERSION}`;
const API = /^\/(graphql|health|exports|calendar|agenda)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('cdtg-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || API.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() =>
        caches
          .open(CACHE)
          .then((cache) => cache.match('/index.html'))
          .then((r) => r || Response.error()),
      ),
    );
    return;
  }
  event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
});
