// Small pieces several screens show: links to the map and the phone, badges.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const IS_APPLE = /iPhone|iPad|iPod/.test(navigator.userAgent);

/** A link that opens the phone's maps app at `address`. */
export function mapLink(address) {
  const query = encodeURIComponent(address);
  const href = IS_APPLE ? `https://maps.apple.com/?q=${query}` : `geo:0,0?q=${query}`;
  return h("a", { class: "map-link", href, "aria-label": `${t("open_map")}: ${address}` }, address);
}

export function callLink(phone, label) {
  return h("a", { class: "button call", href: `tel:${phone}` }, `${t("call")} ${label || phone}`);
}

export function stateBadge(state) {
  return h("span", { class: `badge state-${state}` }, t(`states.${state}`));
}

/** The local calendar day `offset` days from today, as YYYY-MM-DD. */
export function localDay(offset = 0) {
  const day = new Date();
  day.setDate(day.getDate() + offset);
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** The steps of one visit still in the outbox, in order. */
export function pendingSteps(entries, visitId) {
  return entries.filter((entry) => entry.visit === visitId && entry.kind === "step");
}
