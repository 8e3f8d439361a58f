// Today (or tomorrow): the technician's visits in appointed order.

import { fill, h } from "../dom.js";
import { ApiError, get } from "../api.js";
import { clock, t } from "../i18n.js";
import { callLink, localDay, mapLink, pendingSteps, stateBadge } from "../format.js";
import * as queue from "../queue.js";

// A request started before the screen (at the app's start), taken once.
let prefetched = null;
// The last list the network gave, per day, kept on the phone (localStorage:
// read at once, where the service worker's cache takes a few hundred ms on a
// slow phone) to draw at the next start before the network answers.
const KEPT_PREFIX = "phone.kept.";

/** Starts asking for a day's visits now; the next showToday of that day uses the answer. */
export function prefetchDay(day) {
  const path = dayPath(day);
  const answer = get(path);
  const taken = { path, answer };
  prefetched = taken;
  // A failure (not signed in yet, offline) is not kept for a later Today.
  answer.catch(() => {
    if (prefetched === taken) prefetched = null;
  });
}

function dayPath(day) {
  return `me/visits/?date=${localDay(day === "tomorrow" ? 1 : 0)}`;
}

function takePrefetched(path) {
  const taken = prefetched;
  prefetched = null;
  return taken && taken.path === path ? taken.answer : null;
}

/**
 * Stale-while-revalidate: the list kept on the phone from the last start is drawn at once, marked as saved and being updated; the network's
 * answer then replaces it ("updated HH:MM"), or, when none comes, the hint says
 * the data is the saved copy. Without a kept copy the screen waits for the network.
 */
export async function showToday(screen, app, { day }) {
  const path = dayPath(day);
  const network = takePrefetched(path) || get(path);
  const kept = keptAnswer(path, app.me.id);
  const hint = h("p", { class: "notice freshness", role: "status", id: "freshness" });
  const list = h("div", { class: "visit-list" }, h("p", { class: "loading" }, t("loading")));
  const signOut = h("div");
  let isShown = true;
  let drawn = null;

  async function draw(answer) {
    const entries = await queue.entriesFor();
    const key = JSON.stringify([answer.body, entries]);
    if (key !== drawn) {
      drawn = key;
      fill(
        list,
        answer.body.length
          ? h("ol", { class: "visits" }, answer.body.map((visit) => visitCard(visit, entries)))
          : h("p", { class: "empty" }, t("no_visits")),
      );
      fill(signOut, signOutPanel(app, entries.length));
    }
  }

  function freshFrom(answer) {
    if (!answer.fromCache) keep(path, app.me.id, answer);
    const time = clock(answer.headers?.get("Date") || new Date().toISOString());
    hint.classList.toggle("stale", answer.fromCache);
    fill(hint, answer.fromCache ? t("saved_offline", { time }) : t("updated", { time }));
  }

  fill(
    screen,
    h("h1", {}, `${day === "today" ? t("today") : t("tomorrow")} · ${app.me.name}`),
    h(
      "nav",
      { class: "tabs", "aria-label": t("today") + " / " + t("tomorrow") },
      tab("#/", t("today"), day === "today"),
      tab("#/tomorrow", t("tomorrow"), day === "tomorrow"),
    ),
    hint,
    list,
    signOut,
  );
  if (!kept) {
    const answer = await network;
    await draw(answer);
    freshFrom(answer);
    return;
  }
  hint.classList.add("stale");
  fill(hint, t("saved_updating", { time: clock(kept.savedAt) }));
  await draw(kept);
  network.then(
    async (answer) => {
      if (!isShown) return;
      await draw(answer);
      freshFrom(answer);
    },
    (error) => {
      if (!isShown) return;
      if (error instanceof ApiError && (error.status === 401 || error.body.code === "not_authenticated")) {
        app.signedOut();
        return;
      }
      const saved = t("saved_offline", { time: clock(kept.savedAt) });
      fill(hint, error instanceof ApiError ? `${saved} ${error.body.detail || ""}` : saved);
    },
  );
  return () => {
    isShown = false;
  };
}

/** The last answer to `path` kept on this phone for `user`, or null. */
function keptAnswer(path, user) {
  try {
    const kept = JSON.parse(localStorage.getItem(KEPT_PREFIX + path));
    return kept && kept.user === user ? { ...kept, fromCache: true } : null;
  } catch {
    return null;
  }
}

/** Keeps a network answer for the next start; only today's and tomorrow's lists are kept. */
function keep(path, user, answer) {
  const wanted = ["today", "tomorrow"].map((day) => KEPT_PREFIX + dayPath(day));
  forgetKept((key) => !wanted.includes(key));
  const savedAt = answer.headers?.get("Date") || new Date().toISOString();
  try {
    localStorage.setItem(KEPT_PREFIX + path, JSON.stringify({ user, savedAt, body: answer.body }));
  } catch (error) {
    console.warn("today's list not kept", error); // storage full: the next start waits for the network
  }
}

/** Drops the kept lists (all of them, or those `isDropped` picks): at sign-out they go. */
export function forgetKept(isDropped = () => true) {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(KEPT_PREFIX) && isDropped(key)) localStorage.removeItem(key);
  }
}

function tab(href, label, isCurrent) {
  return h("a", { href, class: "tab", "aria-current": isCurrent ? "page" : null }, label);
}

function visitCard(visit, entries) {
  const order = visit.work_order;
  const progress = visit.checklist_progress;
  const waiting = pendingSteps(entries, visit.id);
  return h(
    "li",
    { class: "visit-card", "data-visit": visit.id },
    h(
      "a",
      { class: "visit-link", href: `#/visits/${visit.id}` },
      h("span", { class: "time" }, clock(visit.appointed_start)),
      h("span", { class: "customer" }, order.customer_name),
    ),
    h("p", { class: "meta" }, stateBadge(visit.state), " ", order.number),
    waiting.length
      ? h("p", { class: "badge waiting" }, t("step_waiting", { step: t(`steps.${waiting.at(-1).step}`) }))
      : null,
    h("p", { class: "address" }, mapLink(order.address)),
    h(
      "p",
      { class: "progress" },
      progress.missing
        ? t("checklist_progress", { missing: progress.missing, required: progress.required })
        : t("checklist_complete"),
    ),
    callLink(order.customer_phone, order.customer_name),
  );
}

/** Signing out warns first when writes are still waiting to be sent. */
function signOutPanel(app, waiting) {
  const panel = h("div", { class: "sign-out" });
  const signOut = () => app.signOut();
  const ask = () => {
    if (!waiting) return signOut();
    fill(
      panel,
      h("p", { class: "notice warning", role: "alert" }, t("sign_out_pending", { n: waiting })),
      h("button", { type: "button", class: "danger", id: "sign-out-anyway", onclick: signOut }, t("sign_out_anyway")),
      h("button", { type: "button", onclick: () => fill(panel, button) }, t("cancel")),
    );
  };
  const button = h("button", { type: "button", id: "sign-out", onclick: ask }, t("sign_out"));
  return fill(panel, button);
}
