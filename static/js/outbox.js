// A phone's outbox of answers, without the page or the socket: what waits to be
// sent, what is on its way, what the server refused for good, when to try again,
// and what to show for each. Pure functions over a plain object, each returning a
// new one (no DOM, no storage: tests/js/outbox.test.js). phone.js keeps the
// outbox in localStorage, sends it and draws it.
//
// Every answer carries a client key, so a retried send is stored once. The outbox holds:
//   pending   [{client_key, question_id, text}]: sent or waiting to be sent, kept
//             (and stored on the phone) until acknowledged, oldest first
//   refused   [{client_key, question_id, text, error}]: refused for good (answering
//             closed, say), shown with the reason until removed or tried again
//   sending   client keys on their way now
//   refusals  refusals in a row that will pass (too fast, the database away), for the growing wait
//   retryAt   nothing is sent before this moment (ms)

import { retryDelay, RETRYABLE } from "./live.js";

/** Return the entries kept on the phone that are whole answers (storage can hold anything). */
function whole(kept) {
  return (Array.isArray(kept) ? kept : []).filter(
    (e) => e && e.client_key && e.question_id && typeof e.text === "string",
  );
}

/** Return an outbox holding the answers kept on the phone (as `stored` gave them), none on its way. */
export function createOutbox(kept = null) {
  return { pending: whole(kept), refused: [], sending: [], refusals: 0, retryAt: 0 };
}

/** Return `o` with its pending answers replaced by those kept for another person (a new join). */
export function reloaded(o, kept) {
  return { ...o, pending: whole(kept) };
}

/** Return what to keep on the phone: the pending answers, or null when there are none. */
export function stored(o) {
  return o.pending.length ? o.pending : null;
}

/** Whether answers wait to be sent (or are on their way). */
export function hasWaiting(o) {
  return o.pending.length > 0;
}

/** Return `o` with a new answer at the end of the queue. */
export function queueAnswer(o, clientKey, questionId, text) {
  return { ...o, pending: [...o.pending, { client_key: clientKey, question_id: questionId, text }] };
}

/** Whether a send may start at `now`: not before a refusal's wait is over. */
export function maySend(o, now) {
  return now >= o.retryAt;
}

/** Return the oldest pending answer that is not on its way already, or null. */
export function nextToSend(o) {
  return o.pending.find((e) => !o.sending.includes(e.client_key)) || null;
}

/** Return the `answer:submit` payload for an entry. */
export function submitPayload(entry) {
  return { question_id: entry.question_id, text: entry.text, client_key: entry.client_key };
}

/** Return `o` with this entry on its way. */
export function markSending(o, clientKey) {
  return o.sending.includes(clientKey) ? o : { ...o, sending: [...o.sending, clientKey] };
}

function withoutPending(o, clientKeys) {
  return { ...o, pending: o.pending.filter((e) => !clientKeys.includes(e.client_key)) };
}

/**
 * Return {outbox, outcome} once the server answered the send of `entry` (`ack`, as
 * live.request gives it), at `now`. `outcome` is one of:
 *   {kind: "saved", answer}: stored; it leaves the outbox, and the wait is over;
 *   {kind: "kept", wait}: a refusal that will pass; it stays, with the same key, and
 *     nothing is sent for `wait` ms (null when offline: the next join sends it);
 *   {kind: "refused", message}: refused for good; it moves to `refused` with the reason.
 */
export function settleSend(o, entry, ack, now, random = Math.random) {
  const key = entry.client_key;
  const settled = { ...o, sending: o.sending.filter((k) => k !== key) };
  if (ack.ok) {
    return { outbox: { ...withoutPending(settled, [key]), refusals: 0 }, outcome: { kind: "saved", answer: ack.answer } };
  }
  if (RETRYABLE.has(ack.error.code)) {
    if (ack.error.code === "offline") return { outbox: settled, outcome: { kind: "kept", wait: null } };
    const refusals = settled.refusals + 1;
    const wait = retryDelay(ack.error, refusals, random);
    return { outbox: { ...settled, refusals, retryAt: now + wait }, outcome: { kind: "kept", wait } };
  }
  const message = `Not sent: ${ack.error.message}`;
  const refused = [...settled.refused.filter((e) => e.client_key !== key), { ...entry, error: message }];
  return { outbox: { ...withoutPending(settled, [key]), refused }, outcome: { kind: "refused", message } };
}

/**
 * Return `o` without the answers the server says it has (a join's `answers`, or a
 * `my_answer` echo from another tab), matched by client key: their ack was lost, or
 * another tab sent them. Return `o` itself when none of them was pending.
 */
export function withoutStored(o, answers) {
  const keys = (answers || []).map((a) => a.client_key).filter(Boolean);
  if (!o.pending.some((e) => keys.includes(e.client_key))) return o;
  return withoutPending(o, keys);
}

/** Return `o` with a refused answer queued again, with its key (the person pressed Try again). */
export function retryRefused(o, clientKey) {
  const again = o.refused.find((e) => e.client_key === clientKey);
  if (!again) return o;
  const refused = o.refused.filter((e) => e !== again);
  return { ...queueAnswer(o, again.client_key, again.question_id, again.text), refused };
}

/** Return `o` without a refused answer (the person pressed Remove). */
export function dismissRefused(o, clientKey) {
  return { ...o, refused: o.refused.filter((e) => e.client_key !== clientKey) };
}

/**
 * Return what the list under the question shows, newest first, as {key, pending |
 * refused | answer}: every unsent and refused answer, whatever question it was for
 * (the person must see what did not arrive, even after the room moved on), then
 * the `saved` answers (OwnAnswer) of the question `questionId`. None without a question.
 */
export function shownEntries(o, saved, questionId) {
  if (questionId === null || questionId === undefined) return [];
  const unsent = [
    ...o.pending.map((e) => ({ key: `k:${e.client_key}`, pending: e })),
    ...o.refused.map((e) => ({ key: `k:${e.client_key}`, refused: e })),
  ].reverse();
  const answers = Array.from(saved)
    .filter((a) => a.question_id === questionId)
    .sort((a, b) => b.id - a.id)
    .map((a) => ({ key: `a:${a.id}`, answer: a }));
  return [...unsent, ...answers];
}

/**
 * Return one shown entry's status, {state: "saved" | "sending" | "waiting" | "error", text}.
 * `joined`: whether the phone is connected and joined; `busy`: a saved answer's
 * edit or delete on its way ("Saving…"), if any.
 */
export function entryStatus(o, entry, { joined, busy = null }) {
  if (entry.answer) return busy ? { state: "sending", text: busy } : { state: "saved", text: "Saved" };
  if (entry.refused) return { state: "error", text: entry.refused.error };
  if (o.sending.includes(entry.pending.client_key)) return { state: "sending", text: "Sending…" };
  return { state: "waiting", text: joined ? "Waiting to be sent" : "Waiting for connection" };
}

/**
 * Return the line under the send button, {state: "idle" | "sending" | "waiting" | "saved", text},
 * so the outcome of a send shows where the thumb is. `savedLately`: an answer was saved a moment ago.
 */
export function sendLine(o, { joined, savedLately }) {
  if (o.sending.length) return { state: "sending", text: "Sending…" };
  const waiting = o.pending.length;
  if (waiting) {
    const what = waiting === 1 ? "1 answer is" : `${waiting} answers are`;
    const text = joined
      ? `${what} waiting to be sent. Trying again…`
      : `Waiting for connection: ${what} kept on this phone and will be sent automatically.`;
    return { state: "waiting", text };
  }
  return savedLately ? { state: "saved", text: "Saved ✓" } : { state: "idle", text: "" };
}
