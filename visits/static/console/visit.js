// A visit's evidence and the dispatcher's actions on it, drawn into `root`:
// on its own page (visit-page.js) and in the day board's side panel.
// renderVisit(root, visitId, {onChange}) — `onChange()` is called after an
// action changed the visit, so the board can refresh. The page's words come
// from visits/console/pages.py `visit_strings()` (keys `v_…`).
//
// Reads GET console/visits/{id}/; each action goes to the existing API
// (lifecycle steps, sign-off links, complaints), shown only when the answer's
// `actions` allows it, its refusal shown in place with the server's message.

import { qrSvg } from "../phone/qr.js";
import { refusalText as apiRefusalText, request } from "./api.js";
import { h } from "./dom.js";
import { language, t } from "./strings.js";

function when(value) {
  if (!value) return t("v_not_yet");
  return new Date(value).toLocaleString(language() === "en" ? "en-GB" : "zh-CN", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function label(group, value) {
  if (value === null || value === undefined || value === "") return "";
  const key = `v_${group}_${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

function refusalText(error) {
  return apiRefusalText(error, { refused: t("v_refused"), network: t("v_network_error") });
}

function section(title, ...children) {
  return h("section", { class: "panel evidence" }, h("h3", {}, title), ...children);
}

function table(headings, rows) {
  if (!rows.length) return h("p", { class: "empty" }, t("v_none"));
  return h(
    "table",
    { class: "data" },
    h("thead", {}, h("tr", {}, ...headings.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
  );
}

function term(name, ...value) {
  return [h("dt", {}, name), h("dd", {}, ...value)];
}

// --- The parts -----------------------------------------------------------------

function header(visit) {
  const order = visit.work_order;
  const technician = visit.technician;
  return h(
    "header",
    { class: "panel visit-head" },
    h(
      "h2",
      {},
      `${order.number} · ${label("kind", order.kind)} `,
      h("span", { class: `state state-${visit.state}`, dataset: { state: visit.state } }, label("state", visit.state)),
    ),
    h(
      "dl",
      { class: "facts" },
      ...term(t("v_customer"), order.customer_name, " · ", h("a", { href: `tel:${order.customer_phone}` }, order.customer_phone), h("div", {}, order.address)),
      ...term(
        t("v_technician"),
        `${technician.name} (${technician.employee_number})`,
        technician.phone ? [" · ", h("a", { href: `tel:${technician.phone}` }, technician.phone)] : "",
      ),
    ),
  );
}

function times(visit) {
  const arrived = [when(visit.arrived_at)];
  if (visit.arrived_at) {
    arrived.push(
      " ",
      h(
        "span",
        { class: `punctuality punctuality-${visit.punctuality}` },
        label("punctuality", visit.punctuality),
        visit.arrival_deviation_minutes !== null ? ` ${t("v_deviation", { minutes: visit.arrival_deviation_minutes })}` : "",
      ),
      h("div", { class: "muted" }, t("v_time_source", { source: label("source", visit.arrival_time_source) })),
    );
    if (visit.late_reason) arrived.push(h("div", {}, t("v_late_reason", { reason: visit.late_reason })));
  }
  return section(
    t("v_times"),
    h(
      "dl",
      { class: "facts" },
      ...term(t("v_appointed"), t("v_window", { start: when(visit.appointed_start), end: when(visit.expected_end) })),
      ...term(t("v_en_route"), when(visit.en_route_at)),
      ...term(t("v_arrived"), ...arrived),
      ...term(t("v_work_started"), when(visit.work_started_at)),
      ...term(t("v_work_done"), when(visit.work_done_at)),
      ...term(t("v_signed"), when(visit.signed_off_at)),
      ...(visit.closed_at ? term(t("v_closed"), when(visit.closed_at)) : []),
      ...(visit.ended_reason ? term(t("v_ended_reason"), visit.ended_reason) : []),
    ),
  );
}

function answerText(item) {
  const answer = item.answer;
  if (!answer) {
    // A photo item is answered by its photos.
    return item.photos.length ? "" : h("span", { class: "muted" }, t("v_no_answer"));
  }
  const value = answer.value;
  const choice = (item.choices || []).find((entry) => entry && entry.value === value);
  let text;
  if (value === true) text = t("v_yes");
  else if (value === false) text = t("v_no");
  else if (choice) text = (language() === "en" ? choice.en : choice.zh) || String(value);
  else if (Array.isArray(value)) text = value.join(", ");
  else text = value === null ? "" : String(value);
  return [h("strong", {}, text), answer.note ? h("div", {}, answer.note) : ""];
}

function checklist(evidence) {
  const byStage = evidence.stages
    .map((stage) => ({ stage, items: evidence.checklist.filter((item) => item.stage === stage.value) }))
    .filter((group) => group.items.length);
  if (!byStage.length) return section(t("v_checklist"), h("p", { class: "empty" }, t("v_none")));
  return section(
    t("v_checklist"),
    ...byStage.map(({ stage, items }) =>
      h(
        "div",
        { class: "stage" },
        h("h4", {}, stage.label),
        h(
          "ul",
          { class: "answers" },
          ...items.map((item) =>
            h(
              "li",
              { dataset: { item: item.code } },
              h("span", { class: "item-text" }, item.text, item.is_required ? h("span", { class: "muted" }, ` (${t("v_required")})`) : ""),
              " ",
              answerText(item),
              item.photos.length
                ? h(
                    "div",
                    { class: "thumbnails" },
                    ...item.photos.map((photo) =>
                      h(
                        "a",
                        { href: photo.url, target: "_blank", rel: "noopener" },
                        h("img", { src: photo.thumbnail_url, alt: t("v_photo_of", { item: item.text }), loading: "lazy", class: "thumbnail" }),
                      ),
                    ),
                  )
                : "",
            ),
          ),
        ),
      ),
    ),
  );
}

function leaves(visit) {
  return section(
    t("v_leaves"),
    table(
      [t("v_left_at"), t("v_event"), t("v_returning"), t("v_fix_deadline"), t("v_returned_at")],
      visit.leaves.map((leave) => [
        when(leave.left_at),
        [label("leave", leave.reason), leave.note ? h("div", { class: "muted" }, leave.note) : ""],
        leave.is_returning ? t("v_yes") : t("v_no"),
        leave.fix_deadline ? when(leave.fix_deadline) : "",
        leave.returned_at ? when(leave.returned_at) : "",
      ]),
    ),
  );
}

function events(visit) {
  return section(
    t("v_events"),
    table(
      [t("v_at"), t("v_event"), t("v_by")],
      visit.events.map((event) => [
        when(event.at),
        [label("event", event.kind), event.from_state !== event.to_state ? h("span", { class: "muted" }, ` ${label("state", event.from_state)} → ${label("state", event.to_state)}`) : ""],
        event.actor || "",
      ]),
    ),
  );
}

function calls(evidence) {
  return section(
    t("v_calls"),
    table(
      [t("v_due"), t("v_event"), t("v_attempts"), t("v_rating"), t("v_call_back")],
      evidence.calls.map((call) => [
        when(call.due_at),
        [label("purpose", call.purpose), " · ", label("call", call.state), call.outcome ? h("div", { class: "muted" }, label("outcome", call.outcome)) : "", call.last_error ? h("div", { class: "muted" }, call.last_error) : ""],
        String(call.attempts),
        call.rating ? String(call.rating) : "",
        call.call_back_outcome ? [label("callback", call.call_back_outcome), h("div", { class: "muted" }, when(call.called_back_at)), call.call_back_note || ""] : "",
      ]),
    ),
  );
}

function complaints(evidence) {
  return section(
    t("v_complaints"),
    table(
      [t("v_opened"), t("v_event"), t("v_response"), t("v_resolution")],
      evidence.complaints.map((complaint) => [
        [when(complaint.opened_at), h("div", { class: "muted" }, `#${complaint.id}`)],
        [label("complaint", complaint.state), " · ", label("complaint_source", complaint.source), h("div", {}, complaint.description)],
        complaint.first_responded_at ? [when(complaint.first_responded_at), h("div", {}, complaint.response)] : "",
        complaint.resolved_at ? [when(complaint.resolved_at), h("div", {}, complaint.resolution)] : "",
      ]),
    ),
  );
}

function signOff(evidence) {
  const record = evidence.sign_off;
  if (!record) return section(t("v_sign_off"), h("p", { class: "empty" }, t("v_not_signed")));
  return section(
    t("v_sign_off"),
    h("p", {}, t("v_signer", { name: record.signer_name, channel: record.channel_label, number: record.number }), " · ", when(record.signed_at)),
    h("h4", {}, t("v_conduct")),
    h(
      "ul",
      { class: "conduct" },
      ...record.conduct.map((row) =>
        h(
          "li",
          { class: row.is_confirmed ? "confirmed" : "contested", dataset: { code: row.code } },
          h("span", { class: "mark" }, row.is_confirmed ? `✓ ${t("v_confirmed")}` : `✗ ${t("v_contested")}`),
          " ",
          row.text,
          !row.is_confirmed && row.comment ? h("div", {}, t("v_contested_because", { comment: row.comment })) : "",
        ),
      ),
    ),
    h("p", {}, h("a", { href: record.verify_url, target: "_blank", rel: "noopener" }, t("v_verify"))),
  );
}

// --- Actions -----------------------------------------------------------------------

function form({ name, fields, label: buttonLabel, danger = false, send, after }) {
  const message = h("div", { role: "status" });
  const button = h("button", { type: "submit", class: danger ? "button danger" : "button" }, buttonLabel);
  const element = h("form", { class: "visit-action", dataset: { action: name } }, ...fields, button, message);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.replaceChildren();
    try {
      const answer = await send(element);
      await after(answer, message);
    } catch (error) {
      message.replaceChildren(h("p", { class: "refusal", role: "alert" }, refusalText(error)));
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

function field(name, text, { required = true, id } = {}) {
  return h("span", { class: "field" }, h("label", { for: id }, text), h("textarea", { id, name, rows: 2, maxlength: 500, required }));
}

function actions(evidence, root, visitId, options) {
  const allowed = evidence.actions;
  const visit = evidence.visit;
  const redraw = async () => {
    await renderVisit(root, visitId, options);
    if (options.onChange) options.onChange();
  };
  const parts = [];
  if (allowed.cancel) {
    parts.push(
      form({
        name: "cancel",
        danger: true,
        label: t("v_cancel"),
        fields: [field("reason", t("v_cancel_reason"), { id: `cancel-reason-${visitId}` })],
        send: (element) => request(visit.action_urls.cancel, { body: { reason: element.elements.reason.value } }),
        after: redraw,
      }),
    );
  }
  if (allowed.close) {
    parts.push(
      form({
        name: "close",
        label: t("v_close"),
        fields: [field("note", t("v_close_note"), { required: false, id: `close-note-${visitId}` })],
        send: (element) => request(visit.action_urls.close, { body: { note: element.elements.note.value } }),
        after: redraw,
      }),
    );
  }
  if (allowed.sign_off_link) {
    parts.push(
      form({
        name: "sign-off-link",
        label: t("v_sign_off_link"),
        fields: [],
        send: () => request(`visits/${visitId}/sign-off-links/`, { method: "POST" }),
        after: (link, message) => {
          message.replaceChildren(
            h(
              "div",
              { class: "sign-link" },
              qrSvg(link.url, { label: t("v_qr_label") }),
              h("p", {}, t("v_sign_off_link_ready", { time: when(link.expires_at) })),
              h("p", {}, h("a", { href: link.url, class: "sign-url", target: "_blank", rel: "noopener" }, link.url)),
            ),
          );
        },
      }),
    );
  }
  const downloads = [];
  if (allowed.receipt) downloads.push(h("a", { class: "button secondary", href: evidence.receipt_url, download: "" }, t("v_receipt")));
  if (allowed.service_card) downloads.push(h("a", { class: "button secondary", href: evidence.service_card_url, download: "" }, t("v_service_card")));
  if (downloads.length) parts.push(h("p", { class: "downloads" }, ...downloads));
  if (allowed.file_complaint) {
    parts.push(
      form({
        name: "file-complaint",
        label: t("v_file_complaint"),
        fields: [field("description", t("v_complaint_text"), { id: `complaint-text-${visitId}` })],
        send: (element) => request("complaints/", { body: { visit: visitId, description: element.elements.description.value } }),
        after: async (complaint) => {
          await redraw();
          const note = root.querySelector("[data-action='file-complaint'] [role='status']");
          if (note) note.replaceChildren(h("p", { class: "notice" }, t("v_complaint_filed", { id: complaint.id })));
        },
      }),
    );
  }
  return section(t("v_actions"), ...parts);
}

export async function renderVisit(root, visitId, options = {}) {
  if (!root.childElementCount) root.replaceChildren(h("p", { class: "muted" }, t("v_loading")));
  let evidence;
  try {
    evidence = await request(`console/visits/${visitId}/`);
  } catch (error) {
    root.replaceChildren(h("p", { class: "refusal", role: "alert" }, refusalText(error)));
    return { visit: null, onChange: options.onChange };
  }
  const visit = evidence.visit;
  root.replaceChildren(
    h(
      "div",
      { class: "visit-evidence", dataset: { visitId: visit.id, state: visit.state } },
      header(visit),
      actions(evidence, root, visitId, options),
      times(visit),
      checklist(evidence),
      leaves(visit),
      events(visit),
      calls(evidence),
      complaints(evidence),
      signOff(evidence),
    ),
  );
  return { visit, evidence, onChange: options.onChange };
}
