// The customer's signing page (/sign/<token>/): the shared signing form, posted
// back to the page itself with the CSRF token. The server answers refusals as
// {code, detail, fields?} in the page's language; once signed, the page reloads
// and shows the explanation and the customer's copies.
import { renderSigningForm } from "../shared/signing-form.js";

const root = document.getElementById("signing-form");
const form = JSON.parse(document.getElementById("sign-off-form").textContent);
const language = root.dataset.language;
const csrfToken = root.dataset.csrfToken;

async function send(answers) {
  let response;
  try {
    response = await fetch(window.location.pathname, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept-Language": language,
        "X-CSRFToken": csrfToken,
      },
      body: JSON.stringify(answers),
    });
  } catch {
    throw {}; // offline: the form says to check the connection
  }
  if (response.ok) {
    window.location.replace(window.location.pathname);
    return;
  }
  const body = await response.json().catch(() => ({}));
  throw { detail: body.detail || response.statusText, fields: body.fields };
}

renderSigningForm(root, { form, language, onSubmit: send });
