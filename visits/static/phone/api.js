// Talking to the REST API with the session cookie (HttpOnly: this code never
// sees it). Unsafe requests carry the CSRF token from the `csrftoken` cookie,
// which Django sets readable on purpose. Every answer is {status, body}.

import { language } from "./i18n.js";

export const API = document.body.dataset.api || "/api/v1/";
/** The service worker's cache of API answers (sw.js names it the same). */
export const API_CACHE = "phone-api";

/** The request failed before any answer came (offline, DNS, reset). */
export class NetworkError extends Error {}

/** The server answered with a refusal: `body` is {code, detail, …}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** Headers every request sends; writes add the CSRF token and the phone's clock. */
export function headers({ write = false, idempotencyKey, extra = {} } = {}) {
  const result = { Accept: "application/json", "Accept-Language": language(), ...extra };
  if (write) {
    result["X-CSRFToken"] = csrfToken();
    // The server compares the phone's clock with its own to judge the times
    // the phone reports for work done offline (captured_at, occurred_at).
    result["Device-Time"] = new Date().toISOString();
  }
  if (idempotencyKey) result["Idempotency-Key"] = idempotencyKey;
  return result;
}

/** A full path for `path` relative to the API root ("me/visits/"), or as given. */
export function url(path) {
  return path.startsWith("/") ? path : API + path;
}

async function parse(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/**
 * request("me/visits/") -> {status, body, fromCache}; throws ApiError on a
 * refusal and NetworkError when no answer came.
 */
export async function request(path, { method = "GET", body, idempotencyKey, extra } = {}) {
  const write = method !== "GET";
  const init = {
    method,
    credentials: "same-origin",
    headers: headers({ write, idempotencyKey, extra }),
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url(path), init);
  } catch (error) {
    throw new NetworkError(error.message);
  }
  const parsed = await parse(response);
  if (!response.ok) throw new ApiError(response.status, parsed);
  return {
    status: response.status,
    body: parsed,
    fromCache: response.headers.get("X-From-Cache") === "true",
    headers: response.headers,
  };
}

export const get = (path) => request(path);
