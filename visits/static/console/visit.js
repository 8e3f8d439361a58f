// A visit's evidence and the dispatcher's actions on it, drawn into `root`:
// on its own page (visit-page.js) and in the day board's side panel.
// renderVisit(root, visitId, {onChange}) — `onChange()` is called after an
// action changed the visit, so the board can refresh.

import { request } from "./api.js";
import { h } from "./dom.js";

export async function renderVisit(root, visitId, { onChange } = {}) {
  const visit = await request(`visits/${visitId}/`);
  root.replaceChildren(
    h("h2", {}, `${visit.work_order?.number ?? ""} · ${visit.id}`),
    h("p", {}, visit.state),
  );
  return { visit, onChange };
}
