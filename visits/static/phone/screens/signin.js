// Signing in: username and password for a session cookie (POST auth/session/).

import { fill, h } from "../dom.js";
import { ApiError, NetworkError, request } from "../api.js";
import { t } from "../i18n.js";

export async function showSignIn(screen, app) {
  const error = h("p", { class: "notice error", role: "alert", id: "sign-in-error", hidden: true });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, autocapitalize: "none" });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "primary" }, t("sign_in"));
  const form = h(
    "form",
    { class: "sign-in", onsubmit: signIn },
    h("label", { for: "username" }, t("username")),
    username,
    h("label", { for: "password" }, t("password")),
    password,
    error,
    h("div", { class: "actions" }, submit),
  );

  async function signIn(event) {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    fill(submit, t("signing_in"));
    try {
      const answer = await request("auth/session/", {
        method: "POST",
        body: { username: username.value.trim(), password: password.value },
      });
      await app.signedIn(answer.body);
    } catch (failure) {
      error.hidden = false;
      if (failure instanceof NetworkError) fill(error, t("network_error"));
      else if (failure instanceof ApiError) fill(error, failure.body.detail || failure.message);
      else throw failure;
      submit.disabled = false;
      fill(submit, t("sign_in"));
    }
  }

  fill(screen, h("h1", {}, t("sign_in_title")), form);
  username.focus();
}
