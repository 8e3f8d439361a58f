// The checklist by stage: each item with its answer control, required ones
// marked. Answers and photos go to the outbox; what is still waiting there is
// shown on top of the last checklist the server sent, so the technician sees
// their own answers offline.

import { fill, h } from "../dom.js";
import { ApiError, get } from "../api.js";
import { choiceLabel, t } from "../i18n.js";
import { downscale } from "../photos.js";
import * as queue from "../queue.js";
import { refusalPanel } from "./refusal.js";

// The newest ETag per item this phone has been answered with: an answer sent
// after another one from this phone must not be refused as stale.
const latestEtags = new Map();

export async function showChecklist(screen, app, { visit: visitId, item: focusItem }) {
  let checklist;
  try {
    checklist = (await get(`visits/${visitId}/checklist/`)).body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      fill(screen, h("h1", {}, t("not_found")), h("p", { class: "notice error", role: "alert", id: "not-found" }, t("not_found_help")));
      return;
    }
    throw error;
  }
  const progress = new Map(); // photo entry id -> fraction sent
  let isShown = true;
  let reloadTimer = null;

  // Each item's card is rebuilt only when what it shows changed, in place:
  // redrawing the whole list under the technician's thumb would move it.
  const cards = new Map(); // item id -> {key, element}
  const progressLine = h("p", { class: "progress", id: "checklist-progress" });

  async function draw() {
    if (!isShown) return;
    const entries = (await queue.entriesFor()).filter((entry) => entry.visit === visitId);
    const missing = checklist.missing.filter(
      (each) => !entries.some((entry) => entry.item === each.item),
    );
    const required = checklist.items.filter((item) => item.is_required).length;
    fill(
      progressLine,
      missing.length ? t("checklist_progress", { missing: missing.length, required }) : t("checklist_complete"),
    );
    for (const item of checklist.items) {
      const own = entries.filter((entry) => entry.item === item.id);
      const isMissing = missing.some((each) => each.item === item.id);
      const key = JSON.stringify([
        item.answer?.version,
        item.photos.length,
        isMissing,
        own.map((entry) => [entry.id, entry.state]),
      ]);
      const shown = cards.get(item.id);
      if (shown?.key === key) continue;
      const element = itemCard(item, own, isMissing);
      if (shown) shown.element.replaceWith(element);
      cards.set(item.id, { key, element });
    }
  }

  function layout() {
    const stages = [];
    for (const item of checklist.items) {
      let stage = stages.find((each) => each.code === item.stage);
      if (!stage) stages.push((stage = { code: item.stage, items: [] }));
      stage.items.push(item);
    }
    fill(
      screen,
      h("h1", {}, t("checklist")),
      progressLine,
      stages.map((stage) =>
        h(
          "section",
          { class: "checklist-stage", "data-stage": stage.code },
          h("h2", {}, t(`stages.${stage.code}`)),
          stage.items.map((item) => cards.get(item.id).element),
        ),
      ),
      h("div", { class: "actions" }, h("a", { class: "button primary", href: `#/visits/${visitId}` }, t("back_to_visit"))),
    );
  }

  function itemCard(item, entries, isMissing) {
    const waitingAnswer = entries.filter((entry) => entry.kind === "answer").at(-1);
    const waitingPhotos = entries.filter((entry) => entry.kind === "photo");
    const blocked = entries.find((entry) => entry.state === "blocked");
    const value = waitingAnswer ? waitingAnswer.body.value : item.answer?.value;
    const status = waitingAnswer || waitingPhotos.length
      ? ["waiting", t("waiting")]
      : isMissing
        ? ["missing", t("missing")]
        : item.answer || item.photos.length
          ? ["answered", t("answered")]
          : ["none", ""];
    const headingId = `item-${item.id}-text`;
    return h(
      "article",
      {
        class: `item ${status[0]}${item.id === focusItem ? " focused" : ""}`,
        id: `item-${item.id}`,
        "data-code": item.code,
        "data-kind": item.kind,
        tabindex: "-1",
        "aria-labelledby": headingId,
      },
      h("h3", { id: headingId }, item.text),
      h(
        "p",
        { class: "meta" },
        h("span", { class: item.is_required ? "badge required" : "badge" }, item.is_required ? t("required") : t("optional")),
        status[1] ? [" ", h("span", { class: `badge ${status[0]}` }, status[1])] : null,
      ),
      control(item, value, headingId),
      item.kind === "photo" || item.photos.length || waitingPhotos.length
        ? photoRow(item, waitingPhotos, headingId)
        : null,
      blocked ? refusalPanel(blocked, app) : null,
    );
  }

  function control(item, value, headingId) {
    const answer = (newValue) => sendAnswer(item, newValue);
    if (item.kind === "confirm") {
      return h(
        "button",
        {
          type: "button",
          class: value === true ? "confirm done" : "confirm",
          "aria-pressed": value === true ? "true" : "false",
          "aria-describedby": headingId,
          onclick: () => answer(value !== true),
        },
        value === true ? t("confirmed") : t("confirm"),
      );
    }
    if (item.kind === "choice") {
      return h(
        "fieldset",
        { class: "choices" },
        h("legend", { class: "visually-hidden" }, item.text),
        item.choices.map((choice) =>
          h(
            "label",
            { class: "choice" },
            h("input", {
              type: "radio",
              name: `item-${item.id}`,
              value: choice.value,
              checked: value === choice.value,
              onchange: () => answer(choice.value),
            }),
            h("span", {}, choiceLabel(choice)),
          ),
        ),
      );
    }
    if (item.kind === "number" || item.kind === "text") {
      const inputId = `answer-${item.id}`;
      const input =
        item.kind === "number"
          ? h("input", { id: inputId, type: "number", inputmode: "decimal", step: "any", value: value ?? "", min: item.min_value ?? null, max: item.max_value ?? null })
          : h("textarea", { id: inputId, rows: 2, maxlength: 500, value: value ?? "" });
      return h(
        "form",
        {
          class: "answer-form",
          onsubmit: (event) => {
            event.preventDefault();
            if (input.value === "") return input.focus();
            answer(item.kind === "number" ? Number(input.value) : input.value.trim());
          },
        },
        h("label", { for: inputId, class: "visually-hidden" }, item.text),
        input,
        h("button", { type: "submit", class: "secondary" }, t("save")),
      );
    }
    return null; // a photo item: answered by its photos
  }

  function photoRow(item, waitingPhotos, headingId) {
    const inputId = `photo-${item.id}`;
    const input = h("input", {
      id: inputId,
      class: "visually-hidden photo-input",
      type: "file",
      accept: "image/*",
      capture: "environment",
      onchange: async () => {
        const file = input.files[0];
        if (!file) return;
        const blob = await downscale(file);
        await queue.enqueue({
          kind: "photo",
          visit: visitId,
          item: item.id,
          itemText: item.text,
          method: "POST",
          path: `visits/${visitId}/photos/`,
          blob,
          fields: { item: item.id, captured_at: new Date().toISOString() },
        });
      },
    });
    const hasPhotos = item.photos.length || waitingPhotos.length;
    return h(
      "div",
      { class: "photos" },
      h(
        "ul",
        { class: "thumbnails" },
        item.photos.map((photo) =>
          h("li", {}, h("img", { src: photo.thumbnail_url, alt: t("photo_of", { item: item.text }), width: 96, height: 96 })),
        ),
        waitingPhotos.map((entry) => {
          const fraction = progress.get(entry.id) || 0;
          return h(
            "li",
            { class: "waiting-photo", "data-entry": entry.id },
            h("img", { src: previewOf(entry), alt: t("photo_waiting"), width: 96, height: 96 }),
            h("progress", { max: 100, value: Math.round(fraction * 100), "aria-label": t("uploading", { percent: Math.round(fraction * 100) }) }),
          );
        }),
      ),
      h("label", { for: inputId, class: "button photo-button", "aria-describedby": headingId }, hasPhotos ? t("add_photo") : t("take_photo")),
      input,
    );
  }

  async function sendAnswer(item, value) {
    const entries = await queue.entriesFor();
    const isAnswerWaiting = entries.some((entry) => entry.kind === "answer" && entry.item === item.id);
    await queue.enqueue({
      kind: "answer",
      visit: visitId,
      item: item.id,
      itemText: item.text,
      method: "PUT",
      path: `visits/${visitId}/checklist/${item.id}/`,
      body: { value, note: "", captured_at: new Date().toISOString() },
      // Against what this phone last saw; none when an earlier answer of this
      // phone to the item is still on its way (that one carries the check).
      ifMatch: isAnswerWaiting ? null : latestEtags.get(item.id) || item.etag,
    });
  }

  // What the server answered goes straight into the checklist shown: the
  // answered item as it is now, with its own missing reason. Nothing else on
  // the checklist changes with one item's answer, so no reload is needed.
  function applySent(entry, body) {
    const index = checklist.items.findIndex((item) => item.id === entry.item);
    if (index < 0 || !body) return;
    const item = checklist.items[index];
    if (entry.kind === "answer") {
      latestEtags.set(entry.item, body.etag);
      checklist.items[index] = body;
      markMissing(body, body.missing_reason);
    } else if (entry.kind === "photo") {
      item.photos.push(body);
      if (item.kind === "photo") markMissing(item, null);
    }
  }

  function markMissing(item, reason) {
    const others = checklist.missing.filter((each) => each.item !== item.id);
    checklist.missing = reason
      ? [...others, { item: item.id, code: item.code, text: item.text, reason }]
      : others;
  }

  // A refused write means the server holds something this phone has not
  // seen (an answer from another device, a visit signed off): read it again.
  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(async () => {
      try {
        checklist = (await get(`visits/${visitId}/checklist/`)).body;
      } catch (error) {
        console.warn("checklist not reloaded", error);
      }
      draw();
    }, 1500);
  }

  const stop = queue.subscribe((event) => {
    if (event.type === "progress") {
      progress.set(event.id, event.fraction);
      const bar = screen.querySelector(`.waiting-photo[data-entry="${event.id}"] progress`);
      if (bar) bar.value = Math.round(event.fraction * 100);
    } else if (event.type === "sent" && event.entry.visit === visitId) {
      applySent(event.entry, event.body);
    } else if (event.type === "blocked" && event.entry.visit === visitId) {
      reloadSoon();
    } else if (event.type === "changed") {
      draw();
    }
  });
  await draw();
  layout();
  if (focusItem) {
    const target = document.getElementById(`item-${focusItem}`);
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    }
  }
  return () => {
    isShown = false;
    stop();
    clearTimeout(reloadTimer);
    for (const url of previews.values()) URL.revokeObjectURL(url);
    previews.clear();
  };
}

const previews = new Map();

function previewOf(entry) {
  if (!previews.has(entry.id)) previews.set(entry.id, URL.createObjectURL(entry.blob));
  return previews.get(entry.id);
}
