// Sign-off on the technician's phone: the customer reads what they sign, answers
// the conduct questions, signs with a finger and agrees (the shared signing
// form, also used by the customer's own signing page); the signature goes
// through the outbox like every write. Or the customer signs on their own
// phone: a single-use link shown as a QR code.

import { fill, h } from "../dom.js";
import { ApiError, NetworkError, get, request } from "../api.js";
import { language, t } from "../i18n.js";
import * as queue from "../queue.js";
import { renderSigningForm } from "../../shared/signing-form.js";

export async function showSignOff(screen, app, { visit: visitId }) {
  const [answer] = await Promise.all([get(`visits/${visitId}/sign-off/`), useSigningStyles()]);
  const form = answer.body;
  if (form.record) return app.navigate(`#/visits/${visitId}/card`);
  const root = h("div", { class: "signing" });
  const status = h("div", { "aria-live": "polite" });
  const linkPanel = h("div", { class: "link-panel" });
  let isShown = true;

  async function onSubmit(payload) {
    const entry = await queue.enqueue({
      kind: "signoff",
      visit: visitId,
      method: "POST",
      path: `visits/${visitId}/sign-off/`,
      body: { ...payload, captured_at: new Date().toISOString() },
    });
    if (!navigator.onLine) {
      fill(status, h("p", { class: "notice", role: "status" }, t("signed_waiting")));
      queue.outcome(entry.id).then((result) => {
        if (result.sent && isShown) app.navigate(`#/visits/${visitId}/card`);
      });
      return;
    }
    const result = await queue.outcome(entry.id);
    if (result.sent) {
      app.navigate(`#/visits/${visitId}/card`);
      return;
    }
    // Refused (the visit changed, a field is wrong): the form shows why and the
    // customer can correct it; the refused entry must not block the outbox.
    await queue.discard(entry.id);
    throw { detail: result.error.body?.detail || t("refused", { detail: result.error.status }) };
  }

  async function showLink() {
    fill(linkPanel, h("p", {}, t("loading")));
    try {
      const answer = await request(`visits/${visitId}/sign-off-links/`, {
        method: "POST",
        idempotencyKey: crypto.randomUUID(),
      });
      const link = answer.body.url;
      const { qrSvg } = await import("../qr.js");
      fill(
        linkPanel,
        h("p", {}, t("link_help")),
        qrSvg(link, { label: t("customer_own_phone") }),
        h("p", { class: "link-url" }, h("a", { href: link, id: "sign-link" }, link)),
        h("button", { type: "button", class: "secondary", onclick: () => app.refresh() }, t("refresh")),
      );
    } catch (error) {
      const message = error instanceof NetworkError ? t("needs_network") : error instanceof ApiError ? error.body.detail : String(error);
      fill(linkPanel, h("p", { class: "notice error", role: "alert" }, message));
    }
  }

  fill(
    screen,
    h("h1", {}, t("sign_off")),
    root,
    status,
    h(
      "div",
      { class: "card" },
      h("button", { type: "button", class: "secondary", id: "own-phone", onclick: showLink }, t("customer_own_phone")),
      linkPanel,
    ),
  );
  renderSigningForm(root, { form, language: form.language || language(), onSubmit });
  return () => {
    isShown = false;
  };
}

/** The signing form's styles, shared with the customer's signing page: added
 * to the page when the first sign-off opens (the shell page does not load
 * them, Today does not need them). */
function useSigningStyles() {
  const href = document.body.dataset.signingCss;
  if (!href) return Promise.resolve();
  let link = document.head.querySelector(`link[rel="stylesheet"][href="${href}"]`);
  if (!link) {
    link = h("link", { rel: "stylesheet", href });
    link.loaded = new Promise((resolve) => {
      link.addEventListener("load", resolve, { once: true });
      link.addEventListener("error", resolve, { once: true });
    });
    document.head.append(link);
  }
  return link.loaded;
}
