// The queues page: open complaints with their two clocks, customers' requests
// for a new time, calls to call back by hand and contested conduct items, each
// with its action in place. Reads GET console/queues/ every minute (the clocks
// move) and after each action; see visits/console/pages.py for the words.

import { refusalText as apiRefusalText, request } from "./api.js";
import { h } from "./dom.js";
import { language, t } from "./strings.js";

const REFRESH_MS = 60 * 1000;
const TABS = ["complaints", "reschedule_requests", "failed_calls", "contested_conduct"];
const page = document.getElementById("page");
let data = null;
let current = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : TABS[0];

// --- Formatting ----------------------------------------------------------------

function when(value) {
  if (!value) return "";
  return new Date(value).toLocaleString(language() === "en" ? "en-GB" : "zh-CN", {
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** 7530 -> "2 h 5 min", 200000 -> "2 d 7 h", 300 -> "5 min". */
export function duration(seconds) {
  const minutes = Math.floor(Math.abs(seconds) / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t("duration_days", { days, hours });
  if (hours > 0) return t("duration_hours", { hours, minutes: minutes % 60 });
  return t("duration_minutes", { minutes });
}

function clockCell(clock, name) {
  const status = clock.status;
  let text;
  if (status === "met") text = t("clock_met", { margin: duration(clock.seconds_left) });
  else if (status === "missed") text = t("clock_missed", { time: duration(clock.seconds_left) });
  else if (status === "overdue") text = t("overdue_by", { time: duration(clock.seconds_left) });
  else text = t("time_left", { time: duration(clock.seconds_left) });
  return h(
    "td",
    { class: `clock clock-${status}`, dataset: { clock: name, status } },
    h("span", { class: "clock-label" }, t(`status_${status}`)),
    " ",
    h("span", { class: "clock-time" }, text),
    h("div", { class: "muted" }, t("due_at", { time: when(clock.due_at) })),
  );
}

function visitCell(visit) {
  return h(
    "td",
    {},
    h("a", { href: `/console/visits/${visit.id}/` }, visit.work_order),
    h("div", { class: "muted" }, when(visit.appointed_start)),
  );
}

function customerCell(visit) {
  return h(
    "td",
    {},
    visit.customer_name,
    h("div", {}, h("a", { href: `tel:${visit.customer_phone}` }, visit.customer_phone)),
  );
}

function refusalText(error) {
  return apiRefusalText(error, { refused: t("refused"), network: t("network_error") });
}

/**
 * A small form in a row: `fields` are its inputs; `send(form)` posts it. The
 * refusal shows in place; on success the queues reload and the row redraws.
 */
function actionForm({ label, fields, send, name }) {
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const button = h("button", { type: "submit", class: "button" }, label);
  const form = h("form", { class: "row-action", dataset: { action: name } }, ...fields, button, refusal);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    refusal.hidden = true;
    try {
      await send(form);
      form.dataset.done = "1";
      await load();
    } catch (error) {
      refusal.textContent = refusalText(error);
      refusal.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function textField(name, label, { required = true } = {}) {
  const id = `field-${name}-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    "span",
    { class: "field" },
    h("label", { for: id }, label),
    h("textarea", { id, name, rows: 2, maxlength: 2000, required }),
  );
}

// --- Complaints ----------------------------------------------------------------

function complaintRow(row) {
  const action =
    row.state === "open"
      ? actionForm({
          name: "respond",
          label: t("respond"),
          fields: [textField("text", t("response"))],
          send: (form) =>
            request(`complaints/${row.id}/respond/`, { body: { text: form.elements.text.value } }),
        })
      : actionForm({
          name: "resolve",
          label: t("resolve"),
          fields: [textField("text", t("resolution"))],
          send: (form) =>
            request(`complaints/${row.id}/resolve/`, { body: { text: form.elements.text.value } }),
        });
  return h(
    "tr",
    { id: `complaint-${row.id}`, dataset: { id: row.id, state: row.state } },
    visitCell(row.visit),
    customerCell(row.visit),
    h("td", {}, row.visit.technician),
    h(
      "td",
      {},
      h("div", {}, row.source_label, row.rating ? ` · ${t("rating", { rating: row.rating })}` : ""),
      row.contested_item ? h("div", { class: "muted" }, t("contested", { item: row.contested_item })) : "",
      h("div", {}, row.description),
      row.response ? h("div", { class: "muted" }, t("responded_with", { text: row.response })) : "",
    ),
    clockCell(row.first_response, "first_response"),
    clockCell(row.resolution, "resolution"),
    h("td", {}, action),
  );
}

function complaintsTable(rows) {
  return table(
    [t("visit"), t("customer"), t("technician"), t("complaint"), t("first_response"), t("resolution_clock"), t("action")],
    rows.map(complaintRow),
    t("no_complaints"),
  );
}

// --- Reschedule requests ----------------------------------------------------------

function rescheduleTable(rows) {
  return table(
    [t("visit"), t("customer"), t("technician"), t("requested_at"), t("action")],
    rows.map((row) =>
      h(
        "tr",
        { id: `reschedule-${row.id}` },
        visitCell(row.visit),
        customerCell(row.visit),
        h("td", {}, row.visit.technician),
        h("td", {}, when(row.requested_at), h("div", { class: "muted" }, t("waiting_for", { time: duration(row.age_seconds) }))),
        h(
          "td",
          { class: "links" },
          h("a", { class: "button", href: `/console/?day=${row.visit.day}&visit=${row.visit.id}` }, t("move_on_board")),
          " ",
          h("a", { class: "button secondary", href: `/console/book/?visit=${row.visit.id}` }, t("find_a_time")),
        ),
      ),
    ),
    t("no_reschedule_requests"),
  );
}

// --- Failed calls ----------------------------------------------------------------

const OUTCOMES = {
  follow_up: ["rated", "not_reached"],
  reminder: ["confirmed", "reschedule_requested", "not_reached"],
};

function callBackForm(row) {
  const outcomes = row.purpose === "follow_up" ? OUTCOMES.follow_up : OUTCOMES.reminder;
  const suffix = `${row.id}`;
  const outcome = h(
    "select",
    { id: `outcome-${suffix}`, name: "outcome", required: true },
    ...outcomes.map((value) => h("option", { value }, t(`outcome_${value}`))),
  );
  const rating = h(
    "select",
    { id: `rating-${suffix}`, name: "rating" },
    ...[1, 2, 3, 4, 5].map((value) => h("option", { value }, String(value))),
  );
  const ratingField = h(
    "span",
    { class: "field" },
    h("label", { for: `rating-${suffix}` }, t("customer_rating")),
    rating,
  );
  const showRating = () => {
    ratingField.hidden = outcome.value !== "rated";
  };
  outcome.addEventListener("change", showRating);
  showRating();
  return actionForm({
    name: "call-back",
    label: t("record_call_back"),
    fields: [
      h("span", { class: "field" }, h("label", { for: `outcome-${suffix}` }, t("call_back_outcome")), outcome),
      ratingField,
      textField("note", t("note"), { required: false }),
    ],
    send: (form) =>
      request(`calls/${row.id}/call-back/`, {
        body: {
          outcome: outcome.value,
          rating: outcome.value === "rated" ? Number(rating.value) : null,
          note: form.elements.note.value,
        },
      }),
  });
}

function failedCallsTable(rows) {
  return table(
    [t("visit"), t("customer"), t("call"), t("attempts"), t("last_error"), t("action")],
    rows.map((row) =>
      h(
        "tr",
        { id: `call-${row.id}` },
        visitCell(row.visit),
        h("td", {}, row.visit.customer_name, h("div", {}, h("a", { href: `tel:${row.to_phone}` }, row.to_phone))),
        h("td", {}, row.purpose_label, h("div", { class: "muted" }, row.outcome_label || row.state), h("div", { class: "muted" }, when(row.ended_at))),
        h("td", { class: "number" }, String(row.attempts)),
        h("td", {}, row.last_error),
        h("td", {}, callBackForm(row)),
      ),
    ),
    t("no_failed_calls"),
  );
}

// --- Contested conduct ----------------------------------------------------------

function contestedTable(rows) {
  return table(
    [t("visit"), t("customer"), t("technician"), t("contested_item"), t("action")],
    rows.map((row) =>
      h(
        "tr",
        { id: `conduct-${row.id}` },
        visitCell(row.visit),
        customerCell(row.visit),
        h("td", {}, row.visit.technician),
        h("td", {}, h("strong", {}, row.text), row.comment ? h("div", {}, t("customer_said", { comment: row.comment })) : "", h("div", { class: "muted" }, t("signed_by", { name: row.signer_name, time: when(row.signed_at) }))),
        h(
          "td",
          {},
          row.complaint
            ? h("a", { href: `#complaints`, class: "button secondary", onclick: () => goToComplaint(row.complaint.id) }, t("go_to_complaint", { id: row.complaint.id }))
            : actionForm({
                name: "open-complaint",
                label: t("open_complaint"),
                fields: [],
                send: () => request(`conduct-items/${row.id}/complaint/`, { method: "POST" }),
              }),
        ),
      ),
    ),
    t("no_contested_conduct"),
  );
}

function goToComplaint(id) {
  current = "complaints";
  render();
  const row = document.getElementById(`complaint-${id}`);
  if (row) {
    row.classList.add("highlight");
    row.scrollIntoView({ block: "center" });
  }
}

// --- The page ----------------------------------------------------------------------

function table(headings, rows, empty) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h(
    "table",
    { class: "data queue" },
    h("thead", {}, h("tr", {}, ...headings.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, ...rows),
  );
}

const DRAW = {
  complaints: complaintsTable,
  reschedule_requests: rescheduleTable,
  failed_calls: failedCallsTable,
  contested_conduct: contestedTable,
};

function render() {
  const tabs = h(
    "div",
    { class: "tabs", role: "tablist", "aria-label": t("queues") },
    ...TABS.map((name) => {
      const count = data[name].length;
      const urgent =
        name === "complaints"
          ? data.complaints.filter((row) =>
              [row.first_response, row.resolution].some((clock) => clock.status === "overdue"),
            ).length
          : 0;
      return h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `tab-${name}`,
          "aria-selected": name === current ? "true" : "false",
          "aria-controls": "queue-panel",
          class: "tab",
          onclick: () => {
            current = name;
            history.replaceState(null, "", `#${name}`);
            render();
          },
        },
        t(`tab_${name}`),
        " ",
        h("span", { class: "count", dataset: { count } }, String(count)),
        urgent ? h("span", { class: "count overdue" }, t("overdue_count", { count: urgent })) : "",
      );
    }),
  );
  const panel = h(
    "section",
    { id: "queue-panel", role: "tabpanel", "aria-labelledby": `tab-${current}`, dataset: { queue: current } },
    DRAW[current](data[current]),
  );
  const status = h("p", { class: "muted refreshed", "aria-live": "polite" }, t("refreshed_at", { time: when(data.now) }));
  page.replaceChildren(tabs, status, panel);
}

function isEditing() {
  // A refresh redraws the rows: not while a dispatcher is typing in one.
  const active = document.activeElement;
  if (active && page.contains(active) && ["TEXTAREA", "INPUT", "SELECT"].includes(active.tagName)) return true;
  return [...page.querySelectorAll("textarea")].some((field) => field.value.trim() !== "");
}

async function load() {
  try {
    data = await request("console/queues/");
    render();
  } catch (error) {
    page.replaceChildren(h("p", { class: "refusal", role: "alert" }, refusalText(error)));
  }
}

load();
setInterval(() => {
  if (!isEditing()) load();
}, REFRESH_MS);
