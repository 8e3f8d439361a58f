// The outbox: every write the technician makes (answers, photos, lifecycle
// steps, the customer's signature) is first stored on the phone (IndexedDB)
// and then sent, in the order it was made, exactly once.
//
// - Each entry gets its Idempotency-Key when it is queued, so a retry after a
//   lost answer returns the first answer instead of writing twice.
// - Network failures and 5xx are retried with backoff; a 4xx stops the queue
//   at that entry ("blocked") until the technician retries or discards it:
//   later writes often depend on it (work done after the answers).
// - Entries belong to the user who made them and are only ever sent while
//   that user is signed in.

import { openDB } from "../vendor/idb-8.0.4/index.js";
import { ApiError, NetworkError, headers, request, url } from "./api.js";

const STORE = "outbox";
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 60000;

const database = openDB("fieldservice-phone", 1, {
  upgrade(db) {
    const store = db.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    store.createIndex("user", "user");
  },
});

let currentUser = null;
let isSending = false;
let isPaused = false;
let retryTimer = null;
let retryDelay = FIRST_RETRY_MS;
const listeners = new Set();

/** fn({type, …}) on every change: changed, progress, sent, blocked, signed-out. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(event) {
  for (const fn of [...listeners]) {
    try {
      fn(event);
    } catch (error) {
      console.error(error);
    }
  }
}

/** The user's entries, oldest first. */
export async function entriesFor(user = currentUser) {
  if (user === null) return [];
  const entries = await (await database).getAllFromIndex(STORE, "user", user);
  return entries.sort((a, b) => a.id - b.id);
}

/**
 * Queues a write and starts sending. `entry`: {kind, visit, method, path,
 * body?, blob?, fields?, ifMatch?, label?, step?, item?}. Returns the entry
 * with its id.
 */
export async function enqueue(entry) {
  const now = new Date().toISOString();
  const stored = {
    ...entry,
    user: currentUser,
    idempotencyKey: crypto.randomUUID(),
    capturedAt: now,
    state: "waiting",
    error: null,
  };
  stored.id = await (await database).add(STORE, stored);
  emit({ type: "changed" });
  kick();
  return stored;
}

export async function discard(id) {
  await (await database).delete(STORE, id);
  emit({ type: "changed" });
  kick();
}

/**
 * Sends a blocked entry again with `changes` applied (e.g. a reason added, or
 * If-Match dropped to overwrite). A new key: the first try was refused, so it
 * wrote nothing, and its key would replay the refusal.
 */
export async function retry(id, changes = {}) {
  const db = await database;
  const entry = await db.get(STORE, id);
  if (!entry) return;
  await db.put(STORE, {
    ...entry,
    ...changes,
    state: "waiting",
    error: null,
    idempotencyKey: crypto.randomUUID(),
  });
  emit({ type: "changed" });
  kick();
}

/** Starts sending the entries of `user` (null: stops). */
export function startFor(user) {
  currentUser = user;
  isPaused = false;
  retryDelay = FIRST_RETRY_MS;
  emit({ type: "changed" });
  kick();
}

export function currentOwner() {
  return currentUser;
}

/** Try now: the network came back, or something was queued. */
export function kick() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (!isSending && !isPaused && currentUser !== null) drain();
}

window.addEventListener("online", () => {
  retryDelay = FIRST_RETRY_MS;
  kick();
});

function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(kick, retryDelay);
  retryDelay = Math.min(retryDelay * 2, LAST_RETRY_MS);
}

function isSignedOut(error) {
  return (
    error.status === 401 || (error.status === 403 && error.body?.code === "not_authenticated")
  );
}

async function drain() {
  isSending = true;
  const user = currentUser;
  try {
    for (;;) {
      if (user !== currentUser) return;
      const [entry] = await entriesFor(user);
      if (!entry || entry.state === "blocked") return;
      let answer;
      try {
        answer = await send(entry);
      } catch (error) {
        if (error instanceof NetworkError) return retryLater();
        if (!(error instanceof ApiError)) throw error;
        if (isSignedOut(error)) {
          isPaused = true;
          emit({ type: "signed-out" });
          return;
        }
        if (error.status >= 500 || error.status === 429) return retryLater();
        const blocked = { ...entry, state: "blocked", error: { status: error.status, body: error.body } };
        await (await database).put(STORE, blocked);
        emit({ type: "blocked", entry: blocked });
        emit({ type: "changed" });
        return;
      }
      await (await database).delete(STORE, entry.id);
      retryDelay = FIRST_RETRY_MS;
      emit({ type: "sent", entry, body: answer.body });
      emit({ type: "changed" });
    }
  } finally {
    isSending = false;
  }
}

function send(entry) {
  if (entry.kind === "photo") return sendPhoto(entry);
  const extra = entry.ifMatch ? { "If-Match": entry.ifMatch } : {};
  return request(entry.path, {
    method: entry.method,
    body: entry.body,
    idempotencyKey: entry.idempotencyKey,
    extra,
  });
}

// A photo goes up with XMLHttpRequest: fetch() reports no upload progress.
function sendPhoto(entry) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("file", entry.blob, "photo.jpg");
    for (const [name, value] of Object.entries(entry.fields || {})) {
      if (value !== null && value !== undefined) form.append(name, value);
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url(entry.path));
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(
      headers({ write: true, idempotencyKey: entry.idempotencyKey }),
    )) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        emit({ type: "progress", id: entry.id, fraction: event.loaded / event.total });
      }
    });
    xhr.addEventListener("error", () => reject(new NetworkError("upload failed")));
    xhr.addEventListener("abort", () => reject(new NetworkError("upload aborted")));
    xhr.addEventListener("load", () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = { detail: xhr.responseText.slice(0, 200) };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body });
      else if (xhr.status === 0) reject(new NetworkError("no answer"));
      else reject(new ApiError(xhr.status, body));
    });
    xhr.send(form);
  });
}

/**
 * Resolves when the entry is sent ({sent: true, body}) or blocked ({sent:
 * false, error}). While offline it stays pending: callers also show the
 * "waiting to send" state.
 */
export function outcome(id) {
  return new Promise((resolve) => {
    const stop = subscribe((event) => {
      if (event.entry?.id !== id) return;
      if (event.type === "sent") {
        stop();
        resolve({ sent: true, body: event.body });
      } else if (event.type === "blocked") {
        stop();
        resolve({ sent: false, error: event.entry.error });
      }
    });
  });
}
