// A canvas field's statement editor, without the page: whether the box holds
// something the server does not have, when to save, what to send against which
// version, and how an acknowledgement, a `stale` refusal or someone else's change
// is taken in (a conflict to choose in, or "updated by someone else"). Pure
// functions over a plain object (no DOM, no socket, no timers:
// tests/js/statement-editor.test.js). synthesis.js keeps the box, the timer and
// the request, and shows what each step says.
//
// The box's text is not held here: every step that needs it is given it (`text`,
// or `box` = {text, focused}). A step returns {editor, ...}, with, where they apply:
//   debounce  true: (re)start the save timer (SAVE_DELAY_MS)
//   text      put this text in the box (their version taken in)
//   opened    a conflict opened just now: say so
//   updated   someone else's text replaced the box's: show and say it
//   send      {text, version}: send this statement, made against that version
//   received  {field, quiet}: take this field in as the server now has it
//   next      "save": save again now
//   result    whether what is in the box is stored (what a save resolves with)
//
// The editor holds:
//   base       the field as last known from the server: edits are made against its version
//   accepted   {raw, version}: the box's text when the server last stored it (even if it
//              tidied it differently from normalize), or null
//   sending    {text, base}: the save on its way, or null
//   again      a save was asked for while one was on its way
//   stashed    a newer field that came while a save was on its way, taken in after it
//   conflict   {reason: "stale" | "incoming"}: their text and the box's differ, and the
//              facilitator has to choose; null otherwise
//   error      why the last save failed (it is tried again on request), or null
//   attempts   harmless `stale` refusals in a row, sent again each time
//   scheduled  a save waits for the typing to pause
//   status     {state: "saved" | "empty" | "saving" | "updated" | "conflict" | "error", text}

/** How long the typing must pause before the statement is saved. */
export const SAVE_DELAY_MS = 800;
/** The longest statement the server stores, in characters. */
export const STATEMENT_MAX = 2000;
/** How many times a change refused as `stale`, with nothing of theirs to lose, is sent again. */
export const STALE_RETRIES = 3;

// What the server does to a statement before it stores it (workshop/text.py, clean):
// a box that differs from the stored text only by this is not an unsaved change.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Return the text as the server would store it. */
export function normalize(text) {
  return text
    .replace(/\r\n?/g, "\n")
    .normalize("NFC")
    .replace(CONTROLS, "")
    .replace(INVISIBLE, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const SAVING = { state: "saving", text: "Saving…" };
const UPDATED = { state: "updated", text: "Updated by someone else" };
const CONFLICT = { state: "conflict", text: "Not saved yet: choose which text to keep" };

/** Return the status of a box holding `text` with nothing waiting to be saved. */
export function restStatus(text, words = "Saved") {
  return text.trim() ? { state: "saved", text: words } : { state: "empty", text: "Not written yet" };
}

function failed(ed, error) {
  return { ...ed, error, status: { state: "error", text: `Not saved: ${error}` } };
}

/** Return an editor for a field as the server has it (its statement is in the box). */
export function createEditor(field) {
  return {
    base: field,
    accepted: null,
    sending: null,
    again: false,
    stashed: null,
    conflict: null,
    error: null,
    attempts: 0,
    scheduled: false,
    status: restStatus(field.statement || ""),
  };
}

/** Whether the box's `text` holds something the server does not have yet. */
export function isDirty(ed, text) {
  if (ed.accepted && ed.accepted.raw === text && ed.accepted.version === ed.base.version) return false;
  return normalize(text) !== ed.base.statement;
}

/** Whether the box is not safely stored: a conflict to choose in, a failed save, or unsaved text. */
export function isUnsaved(ed, text) {
  return Boolean(ed.conflict || ed.error || isDirty(ed, text));
}

/** Whether saving is stopped until the facilitator acts: a conflict, or a failed save. */
export function isBlocked(ed) {
  return Boolean(ed.conflict || ed.error);
}

/** Return the step after the box's text changed to `text`: save once the typing pauses, if it is unsaved. */
export function typed(ed, text) {
  if (ed.conflict) return { editor: ed };
  if (!isDirty(ed, text)) {
    return { editor: { ...ed, scheduled: false, status: ed.sending ? ed.status : restStatus(text) } };
  }
  return { editor: { ...ed, scheduled: true, status: SAVING }, debounce: true };
}

/**
 * Return the step of a save asked for now, with `decision`:
 * "blocked" (a conflict is open: nothing is sent), "queued" (one is on its way: this
 * one follows it), "clean" (the server has the text), "invalid" (too long), or
 * "send" (with `send`: the text and the version it was made against).
 */
export function startSave(ed, text) {
  const now = { ...ed, scheduled: false };
  if (ed.conflict) return { editor: now, decision: "blocked" };
  if (ed.sending) return { editor: { ...now, again: true }, decision: "queued" };
  if (!isDirty(ed, text)) {
    const status = !ed.error && ed.status.state !== "saved" ? restStatus(text) : ed.status;
    return { editor: { ...now, status }, decision: "clean" };
  }
  if (Array.from(text).length > STATEMENT_MAX) {
    return { editor: failed(now, `A statement is at most ${STATEMENT_MAX} characters.`), decision: "invalid" };
  }
  return {
    editor: { ...now, error: null, status: SAVING, sending: { text, base: ed.base } },
    decision: "send",
    send: { text, version: ed.base.version },
  };
}

function openConflict(ed, reason) {
  return { editor: { ...ed, scheduled: false, conflict: { reason }, status: CONFLICT }, opened: !ed.conflict };
}

/**
 * Return the step after a newer version of the field arrived (from the server, or
 * another console), the box holding `box.text` and having the focus or not. While a
 * save is on its way it waits (stashed); their text equal to ours, or their change
 * not touching the statement, is taken in quietly; otherwise their text goes in the
 * box when nobody is writing in it ("updated"), and a conflict opens when somebody is.
 */
export function incoming(ed, field, box) {
  if (field.version <= ed.base.version) return { editor: ed };
  if (ed.sending) {
    const stashed = !ed.stashed || field.version > ed.stashed.version ? field : ed.stashed;
    return { editor: { ...ed, stashed } };
  }
  const mine = normalize(box.text);
  if (field.statement === ed.base.statement || field.statement === mine) {
    const next = { ...ed, base: field, conflict: ed.conflict && field.statement === mine ? null : ed.conflict };
    const calm = !next.conflict && !isDirty(next, box.text) && !next.error && next.status.state !== "updated";
    return { editor: calm ? { ...next, status: restStatus(box.text) } : next };
  }
  const writing = box.focused || isDirty(ed, box.text);
  const next = { ...ed, base: field };
  if (!writing && !ed.conflict) {
    return { editor: { ...next, error: null, status: UPDATED }, text: field.statement, updated: true };
  }
  return openConflict(next, "incoming");
}

function isStale(ack) {
  return ack.error.code === "stale" && Boolean(ack.error.details && ack.error.details.field);
}

/**
 * Return the step after the save on its way was answered (`ack`), the box now holding
 * `box.text`. Stored: the field is the new base. Refused as `stale`: when only the
 * pins, the purpose or the values moved on (or they wrote the same words) it is sent
 * again on the newer version, up to STALE_RETRIES times; otherwise a conflict opens.
 * Then a field that came meanwhile is taken in, and what was typed meanwhile is saved.
 */
export function settled(ed, ack, box) {
  const sent = ed.sending;
  let next = { ...ed, sending: null };
  let received = null;
  let step = {};
  if (ack.ok) {
    received = { field: ack.field, quiet: false };
    next = { ...next, attempts: 0, base: ack.field.version > next.base.version ? ack.field : next.base };
    if (box.text === sent.text) next.accepted = { raw: sent.text, version: ack.field.version };
  } else if (isStale(ack)) {
    const now = ack.error.details.field;
    received = { field: now, quiet: true };
    const harmless = now.statement === sent.base.statement || now.statement === normalize(sent.text);
    if (now.version > next.base.version) next.base = now;
    if (!harmless) {
      step = openConflict(next, "stale");
      next = step.editor;
    } else if (next.attempts < STALE_RETRIES) {
      return { editor: { ...next, attempts: next.attempts + 1 }, received, next: "save" };
    } else {
      next = failed({ ...next, attempts: 0 }, "This field kept changing while saving. Try again.");
    }
  } else {
    next = failed(next, ack.error.message);
  }
  let text = box.text;
  if (next.stashed) {
    const later = incoming({ ...next, stashed: null }, next.stashed, box);
    step = { ...later, opened: Boolean(step.opened || later.opened) };
    next = later.editor;
    if (later.text !== undefined) text = later.text;
  }
  const done = { ...step, received };
  if (isBlocked(next)) return { ...done, editor: next, result: false };
  if (isDirty(next, text)) {
    // More was typed while this was on its way.
    if (next.again || !next.scheduled) return { ...done, editor: { ...next, again: false }, next: "save" };
    return { ...done, editor: next, result: false };
  }
  return { ...done, editor: { ...next, again: false, status: restStatus(text) }, result: true };
}

/** Return the editor with the conflict closed to save the box's text over theirs (then save). */
export function useMine(ed) {
  return { ...ed, conflict: null, attempts: 0 };
}

/** Return the step that closes the conflict by putting their text in the box. */
export function keepTheirs(ed) {
  const theirs = ed.base.statement;
  return { editor: { ...ed, conflict: null, status: restStatus(theirs, "Saved: their version kept") }, text: theirs };
}

/** Return the editor ready to try a failed save again (then save). */
export function tryAgain(ed) {
  return { ...ed, error: null };
}
