// The console talks to the REST API with the admin's session cookie. Unsafe
// requests carry the CSRF token from the `csrftoken` cookie; every request asks
// for the page's language, so refusals come in the words the page is in.

export const API = document.body.dataset.api || "/api/v1/";

/** The server answered with a refusal: `body` is {code, detail, …}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/** The request failed before any answer came. */
export class NetworkError extends Error {}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** A full path for `path` relative to the API root ("console/board/"), or as given. */
export function url(path) {
  return path.startsWith("/") ? path : API + path;
}

/**
 * request("console/board/?day=2026-11-23") -> the parsed body; a write when
 * `body` or a method other than GET is given. Throws ApiError on a refusal
 * (4xx, 5xx) and NetworkError when no answer came.
 */
export async function request(path, { method, body, headers = {} } = {}) {
  const verb = method || (body === undefined ? "GET" : "POST");
  const sent = {
    Accept: "application/json",
    "Accept-Language": document.documentElement.lang || "zh-hans",
    ...headers,
  };
  if (verb !== "GET") sent["X-CSRFToken"] = csrfToken();
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url(path), {
      method: verb,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { detail: text.slice(0, 200) };
    }
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

function messages(value) {
  if (Array.isArray(value)) return value.flatMap(messages);
  if (value && typeof value === "object") return Object.values(value).flatMap(messages);
  return [String(value)];
}

/**
 * What to tell the dispatcher about a failed request: the server's field
 * messages (a form's errors read better without the fields' names) or its
 * `detail`; `refused` when a refusal says nothing, `network` when no answer came.
 */
export function refusalText(error, { refused, network }) {
  if (error instanceof ApiError) {
    if (error.body?.fields) return messages(error.body.fields).join(" ");
    return error.body?.detail || refused;
  }
  return network;
}
