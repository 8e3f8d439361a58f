// The phone app: who is signed in, the hash routes, the "waiting to send"
// counter and the offline notice. Screens live in screens/*.js; only Today is
// loaded with the app, the others when first opened (the shell page preloads
// Today's modules, the service worker keeps them all).

import { fill, h } from "./dom.js";
import { API_CACHE, ApiError, NetworkError, get, request } from "./api.js";
import { language, setLanguage, t } from "./i18n.js";
import * as queue from "./queue.js";
import { forgetKept, prefetchDay, showToday } from "./screens/today.js";

const ME_KEY = "phone.me";
// Set while a sign-out has not reached the server (signed out offline): until
// it has, the app does not take the session it may still find for signed in.
const SIGNED_OUT_KEY = "phone.signedOut";
const screen = document.getElementById("screen");
const pending = document.getElementById("pending");
const offline = document.getElementById("offline");
const languageButton = document.getElementById("language");
const title = document.getElementById("title");

// Each route: its pattern, its screen (a promise: most are loaded on first
// use) and the screen's parameters. Dynamic imports take a literal path so
// that production's static storage rewrites it to the hashed file.
const ROUTES = [
  [/^#\/sign-in$/, () => import("./screens/signin.js").then((m) => m.showSignIn)],
  [/^#\/outbox$/, () => import("./screens/outbox.js").then((m) => m.showOutbox)],
  [/^#\/tomorrow$/, async () => showToday, () => ({ day: "tomorrow" })],
  [
    /^#\/visits\/(\d+)\/checklist(?:\/(\d+))?$/,
    () => import("./screens/checklist.js").then((m) => m.showChecklist),
    (m) => ({ visit: +m[1], item: m[2] ? +m[2] : null }),
  ],
  [/^#\/visits\/(\d+)\/sign-off$/, () => import("./screens/signoff.js").then((m) => m.showSignOff), (m) => ({ visit: +m[1] })],
  [/^#\/visits\/(\d+)\/card$/, () => import("./screens/card.js").then((m) => m.showCard), (m) => ({ visit: +m[1] })],
  [/^#\/visits\/(\d+)$/, () => import("./screens/visit.js").then((m) => m.showVisit), (m) => ({ visit: +m[1] })],
  [/^(#\/?)?$/, async () => showToday, () => ({ day: "today" })],
];

const app = {
  me: null,
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  async signedIn(me) {
    localStorage.removeItem(SIGNED_OUT_KEY);
    app.me = me;
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    if (!sendToOwnPages(me)) {
      queue.startFor(me.id);
      app.navigate("#/");
    }
  },
  async signOut() {
    localStorage.setItem(SIGNED_OUT_KEY, "1");
    await endServerSession();
    await app.signedOut();
  },
  async signedOut() {
    app.me = null;
    localStorage.removeItem(ME_KEY);
    forgetKept();
    queue.startFor(null);
    // What the API answered for this user is theirs alone.
    if ("caches" in window) await caches.delete(API_CACHE);
    app.navigate("#/sign-in");
  },
  refresh: () => route(),
};

let cleanup = null;

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  const hash = location.hash;
  if (!app.me && hash !== "#/sign-in") {
    location.hash = "#/sign-in";
    return;
  }
  if (app.me && hash === "#/sign-in") {
    location.hash = "#/";
    return;
  }
  for (const [pattern, screenOf, paramsOf] of ROUTES) {
    const match = hash.match(pattern);
    if (!match) continue;
    fill(screen, h("p", { class: "loading" }, t("loading")));
    try {
      const show = await screenOf();
      // Another route may have started while the screen's module loaded.
      if (location.hash !== hash) return;
      cleanup = await show(screen, app, paramsOf ? paramsOf(match) : {});
    } catch (error) {
      if (error instanceof ApiError && isSignInNeeded(error)) return app.signedOut();
      showFailure(error);
    }
    // A screen that put the focus somewhere (an item to jump to) keeps it.
    if (!screen.contains(document.activeElement)) screen.focus({ preventScroll: true });
    return;
  }
  app.navigate("#/");
}

function isSignInNeeded(error) {
  return error.status === 401 || (error.status === 403 && error.body?.code === "not_authenticated");
}

function showFailure(error) {
  console.error(error);
  const message =
    error instanceof NetworkError ? t("network_error") : error.body?.detail || String(error.message);
  fill(
    screen,
    h("h1", {}, t("app_title")),
    h("p", { class: "notice error", role: "alert" }, message),
    h("p", {}, h("a", { class: "button", href: "#/" }, t("back_to_today"))),
  );
}

/** Someone other than a technician signed in: to their own pages. */
function sendToOwnPages(me) {
  if (me.role === "technician") return false;
  const toConsole = me.role === "dispatcher" || me.role === "admin";
  fill(
    screen,
    h("p", { class: "notice" }, t(toConsole ? "not_technician_dispatcher" : "not_technician_customer")),
  );
  location.assign(toConsole ? "/console/" : "/");
  return true;
}

async function endServerSession() {
  try {
    await request("auth/session/", { method: "DELETE" });
    localStorage.removeItem(SIGNED_OUT_KEY);
  } catch (error) {
    console.warn("sign-out not sent yet", error);
  }
}

async function whoAmI() {
  if (localStorage.getItem(SIGNED_OUT_KEY)) {
    await endServerSession();
    return null;
  }
  try {
    return (await get("me/")).body;
  } catch (error) {
    if (error instanceof NetworkError) return keptMe();
    if (error instanceof ApiError && isSignInNeeded(error)) return null;
    throw error;
  }
}

async function showPending() {
  const entries = await queue.entriesFor();
  const blocked = entries.filter((entry) => entry.state === "blocked").length;
  pending.hidden = entries.length === 0;
  pending.dataset.count = String(entries.length);
  pending.classList.toggle("blocked", blocked > 0);
  fill(
    pending,
    h(
      "a",
      { href: "#/outbox" },
      blocked ? t("pending_blocked", { n: blocked }) : t("pending", { n: entries.length }),
    ),
  );
}

function showNetwork() {
  offline.hidden = navigator.onLine;
  fill(offline, t("offline"));
}

function showChrome() {
  document.documentElement.lang = language() === "en" ? "en" : "zh-Hans";
  document.title = t("app_title");
  fill(title, t("app_title"));
  languageButton.hidden = false;
  fill(languageButton, t("switch_language"));
  languageButton.setAttribute("aria-label", t("switch_language_label"));
  showNetwork();
  showPending();
}

languageButton.addEventListener("click", () => {
  setLanguage(language() === "en" ? "zh-hans" : "en");
  showChrome();
  route();
});
window.addEventListener("online", showNetwork);
window.addEventListener("offline", showNetwork);
window.addEventListener("hashchange", route);
queue.subscribe((event) => {
  if (event.type === "changed") showPending();
  if (event.type === "signed-out") app.signedOut();
});

async function start() {
  if ("serviceWorker" in navigator && document.body.dataset.serviceWorker) {
    navigator.serviceWorker.register(document.body.dataset.serviceWorker, { scope: "/app/" }).catch((error) => {
      console.warn("service worker not registered", error);
    });
  }
  showChrome();
  const isSigningOut = Boolean(localStorage.getItem(SIGNED_OUT_KEY));
  // Today's visits are asked for at once, alongside "who am I", not after it.
  if (/^(#\/?)?$/.test(location.hash) && !isSigningOut) prefetchDay("today");
  const kept = isSigningOut ? null : keptMe();
  if (kept?.role === "technician") {
    // Signed in on this phone before: open at once (Today draws what the phone
    // kept), and let the server confirm who is signed in meanwhile.
    app.me = kept;
    queue.startFor(kept.id);
    route();
    const me = await whoAmI();
    if (!me) return app.signedOut();
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    if (me.id === kept.id && me.role === "technician") {
      app.me = me;
      return;
    }
    app.me = null;
    if (sendToOwnPages(me)) return;
    app.me = me;
    queue.startFor(me.id);
    route();
    return;
  }
  const me = await whoAmI();
  if (me && !sendToOwnPages(me)) {
    app.me = me;
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    queue.startFor(me.id);
  }
  route();
}

function keptMe() {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY));
  } catch {
    return null;
  }
}

start();
