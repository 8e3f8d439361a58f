// What is waiting to be sent, and the refusals to deal with.

import { fill, h } from "../dom.js";
import { t } from "../i18n.js";
import * as queue from "../queue.js";
import { refusalPanel } from "./refusal.js";

export async function showOutbox(screen, app) {
  async function draw() {
    const entries = await queue.entriesFor();
    fill(
      screen,
      h("h1", {}, t("outbox")),
      entries.length
        ? h(
            "ol",
            { class: "outbox" },
            entries.map((entry) =>
              h(
                "li",
                { class: `card entry ${entry.state}` },
                h("p", {}, h("strong", {}, label(entry)), " · ", h("a", { href: `#/visits/${entry.visit}` }, `#${entry.visit}`)),
                entry.state === "blocked" ? refusalPanel(entry, app) : h("p", { class: "badge waiting" }, t("waiting")),
              ),
            ),
          )
        : h("p", { class: "empty" }, t("outbox_empty")),
      h("div", { class: "actions" }, h("a", { class: "button primary", href: "#/" }, t("back_to_today"))),
    );
  }
  const stop = queue.subscribe((event) => {
    if (event.type === "changed") draw();
  });
  await draw();
  return stop;
}

function label(entry) {
  if (entry.kind === "step") return `${t("kind_step")}: ${t(`steps.${entry.step}`)}`;
  if (entry.kind === "answer" || entry.kind === "photo") {
    return `${t(`kind_${entry.kind}`)}: ${entry.itemText || ""}`;
  }
  return t(`kind_${entry.kind}`);
}
