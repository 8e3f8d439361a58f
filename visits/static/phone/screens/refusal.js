// What to say about a write the server refused, and what the technician can do.

import { fill, h } from "../dom.js";
import { t } from "../i18n.js";
import * as queue from "../queue.js";

/** The plain-words explanation of a blocked entry's refusal. */
export function explain(entry) {
  const error = entry.error || {};
  const detail = error.body?.detail || "";
  if (error.status === 412) return [t("conflict_answer"), detail];
  if (error.status === 409) return [t("conflict_visit"), detail];
  return [t("refused", { detail: detail || `HTTP ${error.status}` })];
}

/** The refusal with its buttons: retry (send again) or discard; for a stale
 * answer, "reload and check" (discard it and open the item again). */
export function refusalPanel(entry, app) {
  const panel = h("div", { class: "card refusal", role: "alert", "data-entry": entry.id });
  const lines = explain(entry).filter(Boolean);
  const buttons = [];
  if (entry.error?.status === 412 && entry.kind === "answer") {
    buttons.push(
      h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: async () => {
            await queue.discard(entry.id);
            app.navigate(`#/visits/${entry.visit}/checklist/${entry.item}`);
          },
        },
        t("reload_and_check"),
      ),
    );
  }
  buttons.push(
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        // A stale answer sent again overwrites: the technician chose to.
        onclick: () => queue.retry(entry.id, entry.error?.status === 412 ? { ifMatch: null } : {}),
      },
      t("retry"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: async () => {
          await queue.discard(entry.id);
          if (entry.error?.status === 409) app.refresh();
        },
      },
      t("discard"),
    ),
  );
  return fill(panel, lines.map((line) => h("p", {}, line)), h("div", { class: "row" }, buttons));
}
