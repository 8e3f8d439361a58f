// One visit: who, where, when, its state, the checklist by stage, and the
// lifecycle buttons. The buttons are exactly the visit's `allowed_transitions`
// as the server last sent them: the phone never decides which step comes next.

import { fill, h } from "../dom.js";
import { ApiError, get } from "../api.js";
import { clock, t } from "../i18n.js";
import { callLink, mapLink, pendingSteps, stateBadge } from "../format.js";
import * as queue from "../queue.js";
import { refusalPanel } from "./refusal.js";

// Steps that need a form before they are sent; the rest are sent on a tap.
const FORMS = { arrive: arriveForm, leave: leaveForm };
// Steps that are screens of their own.
const SCREENS = { "sign-off": (visit) => `#/visits/${visit.id}/sign-off` };

export async function showVisit(screen, app, { visit: visitId }) {
  let visit;
  try {
    visit = (await get(`visits/${visitId}/`)).body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return showNotFound(screen);
    throw error;
  }
  let checklist = null;
  try {
    checklist = (await get(`visits/${visitId}/checklist/`)).body;
  } catch (error) {
    console.warn("checklist not available", error);
  }
  const panel = h("div", { class: "step-panel", "aria-live": "polite" });
  const actions = h("div", { class: "actions" });

  let isShown = true;
  async function draw() {
    if (!isShown) return;
    const entries = await queue.entriesFor();
    const waiting = pendingSteps(entries, visit.id);
    fill(
      screen,
      h("h1", {}, visit.work_order.customer_name),
      details(visit),
      waiting.map((entry) =>
        h("p", { class: "badge waiting" }, t("step_waiting", { step: t(`steps.${entry.step}`) })),
      ),
      checklist ? stageSummary(visit, checklist) : null,
      panel,
      actions,
    );
    fill(actions, buttons(visit, waiting.length > 0));
  }

  function buttons(current, isWaiting) {
    const list = current.allowed_transitions.map((step) =>
      h(
        "button",
        {
          type: "button",
          class: step === current.allowed_transitions[0] ? "primary" : "secondary",
          "data-step": step,
          disabled: isWaiting,
          onclick: () => begin(step),
        },
        t(`steps.${step}`),
      ),
    );
    if (["signed_off", "closed"].includes(current.state)) {
      list.push(h("a", { class: "button primary", href: `#/visits/${current.id}/card` }, t("service_card")));
    }
    return list;
  }

  function begin(step) {
    if (SCREENS[step]) return app.navigate(SCREENS[step](visit));
    if (FORMS[step]) return FORMS[step](visit, panel, (body) => send(step, body));
    return send(step, {});
  }

  async function send(step, body) {
    const entry = await queue.enqueue({
      kind: "step",
      visit: visit.id,
      step,
      method: "POST",
      path: visit.action_urls[step],
      body: { ...body, occurred_at: new Date().toISOString() },
    });
    await draw();
    const result = await queue.outcome(entry.id);
    if (result.sent) {
      visit = result.body;
      if (step === "arrive") fill(panel, verdict(visit.punctuality, visit.arrival_deviation_minutes));
      else fill(panel);
      // A step changes the visit (its answer), never the checklist's items:
      // the checklist shown stays right without reading it again.
      return draw();
    }
    const code = result.error.body?.code;
    if (code === "late_reason_required" || code === "early_reason_required") {
      // The server's clock judged differently from the phone's: ask, resend.
      await queue.discard(entry.id);
      reasonForm(panel, result.error.body, (reason) => send(step, { ...body, late_reason: reason }));
    } else if (code === "checklist_incomplete") {
      await queue.discard(entry.id);
      fill(panel, missingList(visit, result.error.body));
    } else {
      const blocked = (await queue.entriesFor()).find((each) => each.id === entry.id);
      fill(panel, refusalPanel(blocked || entry, app));
    }
    return draw();
  }

  const stop = queue.subscribe((event) => {
    if (event.type === "changed") draw();
  });
  await draw();
  return () => {
    isShown = false;
    stop();
  };
}

function showNotFound(screen) {
  fill(
    screen,
    h("h1", {}, t("not_found")),
    h("p", { class: "notice error", role: "alert", id: "not-found" }, t("not_found_help")),
    h("div", { class: "actions" }, h("a", { class: "button primary", href: "#/" }, t("back_to_today"))),
  );
}

function details(visit) {
  const order = visit.work_order;
  const rows = [
    [t("appointed"), clock(visit.appointed_start)],
    [t("state"), stateBadge(visit.state)],
  ];
  if (visit.punctuality) rows.push(["", verdict(visit.punctuality, visit.arrival_deviation_minutes)]);
  return h(
    "div",
    { class: "card" },
    h("p", { class: "meta" }, order.number),
    h("dl", {}, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    h("p", { class: "address" }, mapLink(order.address)),
    callLink(order.customer_phone, order.customer_name),
  );
}

/** "On time" / "12 minutes late" / "15 minutes early". */
function verdict(punctuality, minutes) {
  const key = { on_time: "arrive_on_time", late: "arrive_late", early: "arrive_early" }[punctuality];
  if (!key) return null;
  return h(
    "p",
    { class: `verdict verdict-${punctuality}`, id: "verdict", role: "status" },
    t(key, { minutes: Math.abs(minutes || 0) }),
  );
}

/** The checklist's stages in the order the rules give them, with progress. */
function stageSummary(visit, checklist) {
  const stages = [];
  for (const item of checklist.items) {
    let stage = stages.find((entry) => entry.code === item.stage);
    if (!stage) stages.push((stage = { code: item.stage, total: 0, missing: 0 }));
    stage.total += 1;
  }
  for (const missing of checklist.missing) {
    const item = checklist.items.find((entry) => entry.id === missing.item);
    const stage = stages.find((entry) => entry.code === item?.stage);
    if (stage) stage.missing += 1;
  }
  return h(
    "section",
    { class: "card stages" },
    h("h2", {}, t("checklist")),
    h(
      "ol",
      {},
      stages.map((stage) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `#/visits/${visit.id}/checklist`, class: stage.missing ? "stage todo" : "stage done" },
            h("span", {}, t(`stages.${stage.code}`)),
            h("span", { class: "count" }, stage.missing ? `${stage.missing} ${t("missing")}` : "✓"),
          ),
        ),
      ),
    ),
    h("a", { class: "button", href: `#/visits/${visit.id}/checklist` }, t("open_checklist")),
  );
}

/** Arrival: the verdict at once, from the phone's clock; a reason when outside the tolerance. */
function arriveForm(visit, panel, send) {
  const seconds = (Date.now() - new Date(visit.appointed_start).getTime()) / 1000;
  const tolerance = visit.arrival_tolerance_minutes * 60;
  const minutes = Math.trunc(seconds / 60);
  const punctuality = seconds > tolerance ? "late" : seconds < -tolerance ? "early" : "on_time";
  if (punctuality === "on_time") {
    fill(panel, verdict(punctuality, minutes));
    return send({});
  }
  reasonForm(panel, { punctuality, deviation_minutes: minutes }, (reason) => send({ late_reason: reason }));
}

function reasonForm(panel, judged, onReason) {
  const field = h("textarea", { id: "late-reason", name: "late_reason", required: true, maxlength: 500, rows: 3 });
  fill(
    panel,
    h(
      "form",
      {
        class: "card",
        onsubmit: (event) => {
          event.preventDefault();
          if (!field.value.trim()) return field.focus();
          fill(panel, verdict(judged.punctuality, judged.deviation_minutes));
          onReason(field.value.trim());
        },
      },
      verdict(judged.punctuality, judged.deviation_minutes),
      judged.detail ? h("p", { class: "notice" }, judged.detail) : null,
      h("label", { for: "late-reason" }, t("reason_needed")),
      field,
      h("button", { type: "submit", class: "primary" }, t("send")),
    ),
  );
  field.focus();
}

/** Temporary leave: why, and are you coming back — if not, the fix deadline. */
function leaveForm(visit, panel, send) {
  const reasons = ["find_cause", "equipment_room_test", "fetch_materials", "other"];
  const reason = h(
    "select",
    { id: "leave-reason", name: "reason" },
    reasons.map((value) => h("option", { value }, t(`leave_reasons.${value}`))),
  );
  const deadline = h("input", { id: "fix-deadline", name: "fix_deadline", type: "datetime-local" });
  const deadlineRow = h("div", { class: "field", hidden: true }, h("label", { for: "fix-deadline" }, t("fix_deadline")), deadline);
  const note = h("input", { id: "leave-note", name: "note", maxlength: 500 });
  const choice = (value, label) =>
    h(
      "label",
      { class: "choice" },
      h("input", {
        type: "radio",
        name: "is_returning",
        value,
        required: true,
        onchange: () => {
          deadlineRow.hidden = value === "yes";
          deadline.required = value === "no";
        },
      }),
      h("span", {}, label),
    );
  fill(
    panel,
    h(
      "form",
      {
        class: "card",
        id: "leave-form",
        onsubmit: (event) => {
          event.preventDefault();
          const isReturning = event.target.elements.is_returning.value === "yes";
          fill(panel);
          send({
            reason: reason.value,
            is_returning: isReturning,
            fix_deadline: isReturning || !deadline.value ? null : new Date(deadline.value).toISOString(),
            note: note.value.trim(),
          });
        },
      },
      h("h2", {}, t("leave_title")),
      h("label", { for: "leave-reason" }, t("leave_reason")),
      reason,
      h("fieldset", {}, h("legend", {}, t("coming_back")), choice("yes", t("coming_back_yes")), choice("no", t("coming_back_no"))),
      deadlineRow,
      h("label", { for: "leave-note" }, t("note")),
      note,
      h("button", { type: "submit", class: "primary" }, t("send")),
    ),
  );
}

/** Work done refused: what is missing, each a link to its item. */
function missingList(visit, body) {
  return h(
    "div",
    { class: "card missing", role: "alert" },
    h("p", {}, body.detail),
    h("p", {}, t("work_done_missing")),
    h(
      "ul",
      {},
      (body.missing || []).map((missing) =>
        h("li", {}, h("a", { class: "missing-item", href: `#/visits/${visit.id}/checklist/${missing.item}` }, missing.text)),
      ),
    ),
  );
}
