{% autoescape off %}// The phone app's service worker, version {{ version }} (a hash of the shell's
// files: when any of them changes, this script changes and phones update).
//
// The shell (page, modules, styles, icons) is served cache-first from a cache
// named after the version; the API's GETs network-first, falling back to the
// last answer kept, so the app opens and shows today's visits offline.
// Writes are never cached: the app queues them itself (queue.js).

const VERSION = "{{ version }}";
const SHELL_CACHE = `phone-shell-${VERSION}`;
const API_CACHE = "phone-api";
const SHELL = {{ shell }};
const API_PREFIX = {{ api_prefix }};
// Past this wait a slow network loses to the copy kept on the phone.
const NETWORK_TIMEOUT_MS = 6000;
// Not kept: documents, and the session endpoint (it is only written to).
const NOT_KEPT = [/\.pdf$/, /\/auth\//];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("phone-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(API_PREFIX)) {
    if (!NOT_KEPT.some((pattern) => pattern.test(url.pathname))) {
      event.respondWith(networkFirst(request));
    }
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith(SHELL[0])) {
    event.respondWith(cacheFirst(new Request(SHELL[0])));
    return;
  }
  if (SHELL.includes(url.pathname)) event.respondWith(cacheFirst(request));
});

async function cacheFirst(request) {
  const kept = await caches.match(request, { cacheName: SHELL_CACHE });
  return kept || fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS));
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (error) {
    // Offline: fall through to the kept copy.
  }
  const kept = await cache.match(request);
  if (kept) {
    const headers = new Headers(kept.headers);
    headers.set("X-From-Cache", "true");
    return new Response(kept.body, { status: kept.status, headers });
  }
  return network;
}
{% endautoescape %}
