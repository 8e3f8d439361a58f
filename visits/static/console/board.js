// The day board: one row per technician, the day's visits as blocks on a
// timeline, refreshed every `refresh_seconds` with If-None-Match (a 304 costs
// no redraw). Drag a block (mouse or touch: pointer events) to another time or
// another technician's row, give the reason, and the visit moves through
// POST /api/v1/visits/{id}/actions/move/; a refusal is shown in the dialog and
// the block stays where it was. The same dialog is the keyboard's way to move.

import { refusalText, request, url } from "./api.js";
import { h } from "./dom.js";
import { t } from "./strings.js";
import { renderVisit } from "./visit.js";

// The timeline shows 07:00–21:00, widened to any visit outside it.
const DEFAULT_HOURS = [7, 21];
let FIRST_HOUR = DEFAULT_HOURS[0];
let LAST_HOUR = DEFAULT_HOURS[1];
let SPAN_MINUTES = (LAST_HOUR - FIRST_HOUR) * 60;
const SNAP_MINUTES = 5;
const DRAG_THRESHOLD_PX = 5;

const page = document.getElementById("page");
const rowsElement = document.getElementById("board-rows");
const hoursElement = document.getElementById("board-hours");
const scroller = document.getElementById("board-scroll");
const statusElement = document.getElementById("board-status");
const dayInput = document.getElementById("board-day");
const panel = document.getElementById("board-panel");
const panelBody = document.getElementById("board-panel-body");
const panelTitle = document.getElementById("board-panel-title");
const panelMove = document.getElementById("board-panel-move");
const dialog = document.getElementById("move-dialog");
const form = document.getElementById("move-form");
const formError = document.getElementById("move-error");
const formSummary = document.getElementById("move-summary");

const state = {
  day: null, // "YYYY-MM-DD"
  board: null, // the last body
  etag: null,
  openVisit: null, // id of the visit in the side panel
  moving: null, // {visit, technician, row} the dialog is about
  dragging: false,
  pending: false, // a redraw waits for the drag or dialog to end
  timer: null,
  loads: 0, // loads started: only the newest one's answer is drawn
};

// --- Times -------------------------------------------------------------------

function offsetOf(iso) {
  const match = /([+-]\d\d:\d\d|Z)$/.exec(iso || "");
  return match ? match[1] : "Z";
}

function dayStartMs() {
  return Date.parse(`${state.day}T00:00:00${offsetOf(state.board?.now)}`);
}

/** Minutes from the board day's midnight (server's zone) to `iso`. */
function minutesOf(iso) {
  return (Date.parse(iso) - dayStartMs()) / 60000;
}

/** "09:30" as the server's zone reads `iso` (its own wall clock). */
function clock(iso) {
  const minutes = Math.round(
    (Date.parse(iso) - Date.parse(`1970-01-01T00:00:00${offsetOf(iso)}`)) / 60000,
  );
  const inDay = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(inDay / 60)).padStart(2, "0")}:${String(inDay % 60).padStart(2, "0")}`;
}

function clockOfMinutes(minutes) {
  const inDay = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(inDay / 60)).padStart(2, "0")}:${String(inDay % 60).padStart(2, "0")}`;
}

function percent(minutes) {
  const clamped = Math.min(Math.max(minutes - FIRST_HOUR * 60, 0), SPAN_MINUTES);
  return `${(clamped / SPAN_MINUTES) * 100}%`;
}

function shiftDay(day, days) {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// --- Loading -----------------------------------------------------------------

async function load({ force = false } = {}) {
  clearTimeout(state.timer);
  // A refresh still on its way when a move or a day change forces a load must
  // not draw its older board over the newer one, nor set a second timer.
  const ticket = ++state.loads;
  const isNewest = () => ticket === state.loads;
  const headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang };
  if (state.etag && !force) headers["If-None-Match"] = state.etag;
  let refresh = Number(document.body.dataset.refreshSeconds) || 15;
  try {
    const query = state.day ? `?day=${state.day}` : "";
    const response = await fetch(url(`console/board/${query}`), {
      headers,
      credentials: "same-origin",
    });
    if (response.status === 200) {
      const board = await response.json();
      if (!isNewest()) return;
      if (state.day && board.day !== state.day) return; // the day changed meanwhile
      state.day = board.day;
      dayInput.value = board.day;
      state.etag = response.headers.get("ETag");
      state.board = board;
      refresh = board.refresh_seconds || refresh;
      redraw();
    } else if (response.status !== 304) {
      throw new Error(`HTTP ${response.status}`);
    }
    if (!isNewest()) return;
    statusElement.textContent = t("updated", { time: new Date().toLocaleTimeString() });
    statusElement.classList.remove("is-offline");
  } catch {
    if (!isNewest()) return;
    statusElement.textContent = t("offline");
    statusElement.classList.add("is-offline");
  }
  state.timer = setTimeout(load, refresh * 1000);
}

function redraw() {
  if (state.dragging || dialog.open) {
    state.pending = true;
    return;
  }
  state.pending = false;
  const { scrollLeft, scrollTop } = scroller;
  const pageScroll = window.scrollY;
  drawHours();
  drawRows();
  drawTray();
  scroller.scrollLeft = scrollLeft;
  scroller.scrollTop = scrollTop;
  window.scrollTo({ top: pageScroll });
}

/** Shows `day` ("YYYY-MM-DD"), or the server's today when `day` is null. */
async function setDay(day) {
  state.day = day;
  state.etag = null;
  if (day) dayInput.value = day;
  await load({ force: true });
  saveLocation();
}

function saveLocation() {
  const params = new URLSearchParams();
  params.set("day", state.day);
  if (state.openVisit) params.set("visit", state.openVisit);
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

// --- Drawing -----------------------------------------------------------------

function fitHours() {
  let first = DEFAULT_HOURS[0];
  let last = DEFAULT_HOURS[1];
  for (const row of state.board.rows) {
    for (const visit of row.visits) {
      first = Math.min(first, Math.floor(minutesOf(visit.appointed_start) / 60));
      last = Math.max(last, Math.ceil(minutesOf(visit.expected_end) / 60));
    }
  }
  FIRST_HOUR = Math.max(0, first);
  LAST_HOUR = Math.min(24, last);
  SPAN_MINUTES = (LAST_HOUR - FIRST_HOUR) * 60;
  document.getElementById("board-grid").style.setProperty("--hours", String(LAST_HOUR - FIRST_HOUR));
}

function drawHours() {
  fitHours();
  const marks = [];
  for (let hour = FIRST_HOUR; hour <= LAST_HOUR; hour += 1) {
    const mark = h("span", { class: "board-hour" }, `${String(hour).padStart(2, "0")}:00`);
    mark.style.left = percent(hour * 60);
    marks.push(mark);
  }
  hoursElement.replaceChildren(...marks);
}

function flagsOf(visit) {
  const flags = [];
  if (visit.is_late_now) flags.push(h("span", { class: "board-flag late" }, t("late_now")));
  if (visit.is_at_risk) flags.push(h("span", { class: "board-flag risk" }, t("at_risk")));
  if (visit.leave) {
    flags.push(
      h(
        "span",
        { class: "board-marker leave" },
        visit.leave.is_returning
          ? t("leave_returning")
          : t("leave_fix_by", { time: shortDateTime(visit.leave.fix_deadline) }),
      ),
    );
  }
  if (visit.has_contested_conduct)
    flags.push(h("span", { class: "board-marker contested" }, t("contested")));
  if (visit.has_failed_call)
    flags.push(h("span", { class: "board-marker call" }, t("failed_call")));
  if (visit.has_open_complaint)
    flags.push(h("span", { class: "board-marker complaint" }, t("open_complaint")));
  return flags;
}

function shortDateTime(iso) {
  if (!iso) return "";
  const sameDay = iso.slice(0, 10) === state.day;
  return sameDay ? clock(iso) : `${iso.slice(5, 10)} ${clock(iso)}`;
}

function visitBlock(visit, technician) {
  const start = minutesOf(visit.appointed_start);
  const end = minutesOf(visit.expected_end);
  const label = t("visit_label", {
    number: visit.work_order.number,
    customer: visit.work_order.customer_name,
    start: clock(visit.appointed_start),
    end: clock(visit.expected_end),
    state: t(`state_${visit.state}`),
  });
  const classes = ["board-visit", `state-${visit.state}`];
  if (visit.is_late_now) classes.push("is-late");
  if (visit.is_at_risk) classes.push("is-risk");
  if (visit.is_movable) classes.push("is-movable");
  if (String(visit.id) === String(state.openVisit)) classes.push("is-open");
  const block = h(
    "button",
    {
      type: "button",
      class: classes.join(" "),
      "aria-label": [label, ...flagsOf(visit).map((flag) => flag.textContent)].join(", "),
      "aria-expanded": String(String(visit.id) === String(state.openVisit)),
      "aria-controls": "board-panel",
      dataset: { visit: visit.id, technician: technician.id },
    },
    h(
      "span",
      { class: "board-visit-time", "aria-hidden": "true" },
      `${clock(visit.appointed_start)}–${clock(visit.expected_end)}`,
    ),
    h("span", { class: "board-visit-title", "aria-hidden": "true" }, visit.work_order.number),
    h("span", { class: "board-visit-customer", "aria-hidden": "true" }, visit.work_order.customer_name),
    h("span", { class: "board-visit-flags", "aria-hidden": "true" }, flagsOf(visit)),
  );
  block.style.left = percent(start);
  block.style.width = `calc(${percent(end)} - ${percent(start)})`;
  block.addEventListener("click", () => {
    if (block.dataset.dragged) return;
    openPanel(visit.id);
  });
  if (visit.is_movable) makeDraggable(block, { visit, technician, grabFromBlock: true });
  const pieces = [block];
  if (visit.arrived_at) {
    const finish = actualEnd(visit);
    const actual = h("span", {
      class: "board-actual",
      title: t("arrived_finished", {
        start: clock(visit.arrived_at),
        end: finish ? clock(finish) : "…",
      }),
      "aria-hidden": "true",
    });
    const from = minutesOf(visit.arrived_at);
    const to = finish ? minutesOf(finish) : from + 5;
    actual.style.left = percent(from);
    actual.style.width = `calc(${percent(Math.max(to, from + 2))} - ${percent(from)})`;
    pieces.push(actual);
  }
  return pieces;
}

/** Where the actual bar ends: work done, the moment he left, or now. */
function actualEnd(visit) {
  if (visit.work_done_at) return visit.work_done_at;
  if (visit.state === "temporarily_left" && visit.leave) return visit.leave.left_at;
  if (["arrived", "in_progress", "temporarily_left"].includes(visit.state)) return state.board.now;
  return null;
}

function drawRows() {
  const board = state.board;
  const now = minutesOf(board.now);
  const showNow = now >= FIRST_HOUR * 60 && now <= LAST_HOUR * 60;
  const rows = board.rows.map((row) => {
    const technician = row.technician;
    const name = h(
      "div",
      { class: "board-name" },
      h("span", { class: "board-name-text" }, technician.name),
      h("span", { class: "board-name-number" }, technician.employee_number),
      technician.is_active ? null : h("span", { class: "board-inactive" }, t("inactive")),
    );
    const track = h(
      "div",
      { class: "board-track", dataset: { technician: technician.id } },
      row.visits.length ? null : h("span", { class: "visually-hidden" }, t("no_visits")),
      row.visits.flatMap((visit) => visitBlock(visit, technician)),
    );
    if (showNow) {
      const line = h("span", { class: "board-now", "aria-hidden": "true" });
      line.style.left = percent(now);
      track.append(line);
    }
    return h(
      "div",
      {
        class: `board-row${technician.is_active ? "" : " is-inactive"}`,
        role: "listitem",
        "aria-label": technician.name,
        dataset: { technician: technician.id, active: technician.is_active ? "1" : "" },
      },
      name,
      track,
    );
  });
  rowsElement.replaceChildren(...rows);
}

function drawTray() {
  const board = state.board;
  const requests = board.reschedule_requests.map((entry) => {
    const item = h(
      "li",
      { class: "board-tray-item is-movable", dataset: { visit: entry.visit } },
      h("strong", {}, entry.work_order.number),
      " ",
      entry.work_order.customer_name,
      h(
        "span",
        { class: "board-tray-meta" },
        t("currently", {
          time: shortDateTime(entry.appointed_start),
          technician: entry.technician_name,
        }),
        " · ",
        t("requested_at", { time: shortDateTime(entry.requested_at) }),
      ),
      h("span", { class: "board-tray-hint" }, t("give_time")),
      h("a", { href: entry.book_url, class: "button secondary" }, t("book")),
    );
    makeDraggable(item, {
      visit: {
        id: entry.visit,
        work_order: entry.work_order,
        appointed_start: entry.appointed_start,
        expected_duration_minutes: entry.expected_duration_minutes,
      },
      technician: { id: entry.technician, name: entry.technician_name },
      grabFromBlock: false,
    });
    return item;
  });
  const returns = board.return_visits.map((entry) =>
    h(
      "li",
      { class: "board-tray-item" },
      h("strong", {}, entry.work_order.number),
      " ",
      entry.work_order.customer_name,
      h(
        "span",
        { class: "board-tray-meta" },
        entry.fix_deadline ? t("fix_by", { time: shortDateTime(entry.fix_deadline) }) : "",
        " · ",
        t("left_by", { technician: entry.technician_name }),
      ),
      h("a", { href: entry.book_url, class: "button secondary" }, t("book")),
    ),
  );
  document
    .getElementById("tray-requests")
    .replaceChildren(...(requests.length ? requests : [h("li", {}, t("nothing_waiting"))]));
  document
    .getElementById("tray-returns")
    .replaceChildren(...(returns.length ? returns : [h("li", {}, t("nothing_waiting"))]));
}

// --- The side panel ----------------------------------------------------------

function findVisit(id) {
  for (const row of state.board?.rows || []) {
    for (const visit of row.visits) {
      if (String(visit.id) === String(id)) return { visit, technician: row.technician };
    }
  }
  return null;
}

async function openPanel(visitId) {
  state.openVisit = String(visitId);
  saveLocation();
  panel.hidden = false;
  const found = findVisit(visitId);
  panelTitle.textContent = found ? found.visit.work_order.number : `#${visitId}`;
  panelMove.hidden = !found?.visit.is_movable;
  for (const block of rowsElement.querySelectorAll(".board-visit")) {
    const isOpen = block.dataset.visit === state.openVisit;
    block.classList.toggle("is-open", isOpen);
    block.setAttribute("aria-expanded", String(isOpen));
  }
  panelBody.replaceChildren();
  try {
    await renderVisit(panelBody, visitId, { onChange: () => load({ force: true }) });
  } catch (error) {
    panelBody.replaceChildren(h("p", { class: "refusal" }, error.message));
  }
  panelTitle.focus?.();
}

function closePanel() {
  const was = state.openVisit;
  state.openVisit = null;
  panel.hidden = true;
  saveLocation();
  for (const block of rowsElement.querySelectorAll(".board-visit.is-open")) {
    block.classList.remove("is-open");
    block.setAttribute("aria-expanded", "false");
  }
  rowsElement.querySelector(`.board-visit[data-visit="${was}"]`)?.focus();
}

// --- Dragging ----------------------------------------------------------------

function trackUnder(clientY) {
  for (const track of rowsElement.querySelectorAll(".board-track")) {
    const box = track.getBoundingClientRect();
    if (clientY >= box.top && clientY <= box.bottom) return track;
  }
  return null;
}

function minutesAt(track, clientX) {
  const box = track.getBoundingClientRect();
  const raw = FIRST_HOUR * 60 + ((clientX - box.left) / box.width) * SPAN_MINUTES;
  return Math.round(raw / SNAP_MINUTES) * SNAP_MINUTES;
}

function technicianById(id) {
  return state.board.rows.find((row) => String(row.technician.id) === String(id))?.technician;
}

function makeDraggable(element, { visit, technician, grabFromBlock }) {
  element.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.target.closest("a")) return;
    const origin = { x: event.clientX, y: event.clientY };
    const box = element.getBoundingClientRect();
    const grab = grabFromBlock ? event.clientX - box.left : 0;
    let moved = false;
    let hint = null;
    delete element.dataset.dragged;

    const drop = (clientX, clientY) => {
      const track = trackUnder(clientY);
      if (!track) return null;
      const target = technicianById(track.dataset.technician);
      const minutes = minutesAt(track, clientX - grab);
      return { track, technician: target, minutes };
    };

    const onMove = (moveEvent) => {
      const dx = moveEvent.clientX - origin.x;
      const dy = moveEvent.clientY - origin.y;
      if (!moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      if (!moved) {
        moved = true;
        state.dragging = true;
        element.classList.add("is-dragging");
        element.setPointerCapture?.(moveEvent.pointerId);
        hint = h("span", { class: "board-drop-hint", role: "presentation" });
        document.body.append(hint);
      }
      element.style.transform = `translate(${dx}px, ${dy}px)`;
      const target = drop(moveEvent.clientX, moveEvent.clientY);
      if (target) {
        hint.textContent = t("drop_hint", {
          time: clockOfMinutes(target.minutes),
          technician: target.technician?.name ?? "",
        });
        hint.style.left = `${moveEvent.clientX + 12}px`;
        hint.style.top = `${moveEvent.clientY + 12}px`;
      }
    };

    const onUp = (upEvent) => {
      element.removeEventListener("pointermove", onMove);
      element.removeEventListener("pointerup", onUp);
      element.removeEventListener("pointercancel", onCancel);
      if (!moved) return;
      element.dataset.dragged = "1";
      setTimeout(() => delete element.dataset.dragged, 0);
      const target = drop(upEvent.clientX, upEvent.clientY);
      endDrag();
      if (!target || !target.technician) return;
      openMoveDialog(visit, technician, {
        minutes: target.minutes,
        technician: target.technician,
      });
    };

    const onCancel = () => {
      element.removeEventListener("pointermove", onMove);
      element.removeEventListener("pointerup", onUp);
      element.removeEventListener("pointercancel", onCancel);
      endDrag();
    };

    const endDrag = () => {
      element.style.transform = "";
      element.classList.remove("is-dragging");
      hint?.remove();
      state.dragging = false;
      if (state.pending && !dialog.open) redraw();
    };

    element.addEventListener("pointermove", onMove);
    element.addEventListener("pointerup", onUp);
    element.addEventListener("pointercancel", onCancel);
  });
}

// --- The move dialog (also the keyboard's way to move) -------------------------

function openMoveDialog(visit, technician, proposal = {}) {
  state.moving = { visit, technician };
  const start = visit.appointed_start;
  const day = proposal.minutes !== undefined ? state.day : start.slice(0, 10);
  const time = proposal.minutes !== undefined ? clockOfMinutes(proposal.minutes) : clock(start);
  form.elements.day.value = day;
  form.elements.time.value = time;
  const chosen = proposal.technician || technician;
  const options = state.board.rows
    .filter((row) => row.technician.is_active || String(row.technician.id) === String(technician.id))
    .map((row) =>
      h(
        "option",
        { value: row.technician.id, selected: String(row.technician.id) === String(chosen.id) },
        row.technician.name,
      ),
    );
  if (!options.some((option) => option.value === String(chosen.id))) {
    options.push(h("option", { value: chosen.id, selected: true }, chosen.name));
  }
  form.elements.technician.replaceChildren(...options);
  form.elements.technician.value = String(chosen.id);
  form.elements.reason.value = "";
  formError.hidden = true;
  formError.textContent = "";
  document.getElementById("move-title").textContent = t("dialog_title", {
    number: visit.work_order.number,
  });
  formSummary.textContent = `${visit.work_order.customer_name} · ${shortDateTime(start)} · ${technician.name}`;
  dialog.showModal();
  form.elements.reason.focus();
}

function closeMoveDialog() {
  dialog.close();
}

dialog.addEventListener("close", () => {
  const moving = state.moving;
  state.moving = null;
  if (state.pending) redraw();
  if (moving) rowsElement.querySelector(`.board-visit[data-visit="${moving.visit.id}"]`)?.focus();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const moving = state.moving;
  if (!moving) return;
  const offset = offsetOf(moving.visit.appointed_start);
  const appointedStart = `${form.elements.day.value}T${form.elements.time.value}:00${offset}`;
  const body = { reason: form.elements.reason.value };
  if (Date.parse(appointedStart) !== Date.parse(moving.visit.appointed_start)) {
    body.appointed_start = appointedStart;
  }
  if (form.elements.technician.value !== String(moving.technician.id)) {
    body.technician = Number(form.elements.technician.value);
  }
  const submit = form.querySelector("button[type=submit]");
  submit.disabled = true;
  try {
    await request(`visits/${moving.visit.id}/actions/move/`, {
      body,
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    state.moving = null;
    dialog.close();
    statusElement.textContent = t("moved", { number: moving.visit.work_order.number });
    await load({ force: true });
    if (String(state.openVisit) === String(moving.visit.id)) openPanel(moving.visit.id);
  } catch (error) {
    formError.textContent = refusalText(error, { refused: t("refused"), network: t("network") });
    formError.hidden = false;
  } finally {
    submit.disabled = false;
  }
});

document.getElementById("move-cancel").addEventListener("click", closeMoveDialog);

panelMove.addEventListener("click", () => {
  const found = findVisit(state.openVisit);
  if (found) openMoveDialog(found.visit, found.technician);
});
document.getElementById("board-panel-close").addEventListener("click", closePanel);

// --- Start -----------------------------------------------------------------------

for (const button of page.querySelectorAll("[data-day-step]")) {
  button.addEventListener("click", () => {
    const step = Number(button.dataset.dayStep);
    setDay(step === 0 ? null : shiftDay(state.day, step));
  });
}
dayInput.addEventListener("change", () => {
  if (/^\d{4}-\d\d-\d\d$/.test(dayInput.value)) setDay(dayInput.value);
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") load();
});

const params = new URLSearchParams(location.search);
const requestedDay = params.get("day");
state.day = requestedDay && /^\d{4}-\d\d-\d\d$/.test(requestedDay) ? requestedDay : null;
if (state.day) dayInput.value = state.day;
if (params.get("visit")) {
  state.openVisit = params.get("visit");
}
load({ force: true }).then(() => {
  if (state.openVisit) openPanel(state.openVisit);
});
