/* The console's service worker (written into dist/web/sw.js by the build with the list of files and a version).
 * The app shell is cached at install (not the chunks only one role opens: those are cached the first time they are
 * fetched). Navigations go to the network first and fall back to the cached index.html when the network fails or has
 * not answered within NAVIGATION_TIMEOUT_MS (a hanging 3G link); hashed assets come from the cache. The API
 * (/graphql, /exports…) is never cached. */
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `cdtg-shell-${VERSION}`;
const NAVIGATION_TIMEOUT_MS = 3000;
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
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          // A hashed chunk loaded on demand (the dashboard): keep it for the next visit and for offline use.
          if (response.ok && url.pathname.startsWith('/assets/')) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
          }
          return response;
        }),
    ),
  );
});

/** The network's page, or the cached shell if the network fails or is still silent after NAVIGATION_TIMEOUT_MS. */
function navigate(request) {
  const cachedShell = () => caches.open(CACHE).then((cache) => cache.match('/index.html'));
  const network = fetch(request);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (response) => {
      if (!settled && response) {
        settled = true;
        resolve(response);
      }
    };
    const timer = setTimeout(() => cachedShell().then(settle), NAVIGATION_TIMEOUT_MS);
    network.then(
      (response) => {
        clearTimeout(timer);
        settle(response);
      },
      () => {
        clearTimeout(timer);
        cachedShell().then((shell) => settle(shell || Response.error()));
      },
    );
    // Without a cached shell the page waits for the network, however long it takes.
    network.catch(() => undefined);
  });
}
