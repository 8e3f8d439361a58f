// Today (or tomorrow): the technician's visits in appointed order.

import { fill, h } from "../dom.js";
import { get } from "../api.js";
import { clock, t } from "../i18n.js";
import { callLink, localDay, mapLink, pendingSteps, stateBadge } from "../format.js";
import * as queue from "../queue.js";

// A request started before the screen (at the app's start), taken once.
let prefetched = null;

/** Starts asking for a day's visits now; the next showToday of that day uses the answer. */
export function prefetchDay(day) {
  const path = dayPath(day);
  const answer = get(path);
  answer.catch(() => {}); // showToday sees the failure, if it comes to ask
  prefetched = { path, answer };
}

function dayPath(day) {
  return `me/visits/?date=${localDay(day === "tomorrow" ? 1 : 0)}`;
}

function takePrefetched(path) {
  const taken = prefetched;
  prefetched = null;
  return taken && taken.path === path ? taken.answer : null;
}

export async function showToday(screen, app, { day }) {
  const path = dayPath(day);
  const answer = await (takePrefetched(path) || get(path));
  const entries = await queue.entriesFor();
  const tabs = h(
    "nav",
    { class: "tabs", "aria-label": t("today") + " / " + t("tomorrow") },
    tab("#/", t("today"), day === "today"),
    tab("#/tomorrow", t("tomorrow"), day === "tomorrow"),
  );
  const list = answer.body.length
    ? h("ol", { class: "visits" }, answer.body.map((visit) => visitCard(visit, entries)))
    : h("p", { class: "empty" }, t("no_visits"));
  fill(
    screen,
    h("h1", {}, `${day === "today" ? t("today") : t("tomorrow")} · ${app.me.name}`),
    tabs,
    answer.fromCache ? h("p", { class: "notice" }, t("from_cache")) : null,
    list,
    signOutPanel(app, entries.length),
  );
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
