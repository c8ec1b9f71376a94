// Unit tests of static/js/statement-editor.js: a canvas statement saved as it is typed,
// against a version, with a choice when someone else changed it first.
import { assert, test } from "/tests/js/runner.js";
import * as editor from "/static/js/statement-editor.js";

function field(version, statement, more = {}) {
  return { key: "vision", label: "Vision", statement, version, reactions: { agree: 0, concern: 0 }, ...more };
}

const box = (text, focused = false) => ({ text, focused });
const stale = (now) => ({ ok: false, error: { code: "stale", message: "Changed", details: { field: now } } });

/** An editor of version 1 ("Old words") that sent `text`: [editor, the request]. */
function sending(text, ed = editor.createEditor(field(1, "Old words"))) {
  const step = editor.startSave(ed, text);
  assert.equal(step.decision, "send");
  return [step.editor, step.send];
}

test("a new editor shows the field as saved, or as not written yet", () => {
  const ed = editor.createEditor(field(1, "Old words"));
  assert.deepEqual(ed.status, { state: "saved", text: "Saved" });
  assert.deepEqual(editor.createEditor(field(1, "")).status, { state: "empty", text: "Not written yet" });
  assert.equal(editor.isDirty(ed, "Old words"), false);
  assert.equal(editor.isUnsaved(ed, "Old words"), false);
});

test("only a change the server would keep is unsaved: spaces, line ends and invisible marks are not", () => {
  const ed = editor.createEditor(field(1, "Old words"));
  assert.equal(editor.isDirty(ed, "  Old words\r\n"), false);
  assert.equal(editor.isDirty(ed, "Old\u200b words"), false);
  assert.equal(editor.isDirty(ed, "Old words!"), true);
  assert.equal(editor.normalize("a\r\n\r\n\r\n\r\nb\u0007"), "a\n\nb");
});

test("typing something new waits for a pause; typing it back needs no save", () => {
  const ed = editor.createEditor(field(1, "Old words"));
  const step = editor.typed(ed, "New words");
  assert.equal(step.debounce, true);
  assert.equal(step.editor.scheduled, true);
  assert.deepEqual(step.editor.status, { state: "saving", text: "Saving…" });

  const back = editor.typed(step.editor, "Old words");
  assert.equal(back.debounce, undefined);
  assert.equal(back.editor.scheduled, false, "the waiting save is called off");
  assert.equal(back.editor.status.state, "saved");
  assert.equal(editor.typed(editor.createEditor(field(1, "")), "  ").editor.status.state, "empty", "blank, as the server has it");
});

test("a save sends the box's text with the version it was made against", () => {
  const [ed, send] = sending("New words", editor.createEditor(field(4, "Old words")));
  assert.deepEqual(send, { text: "New words", version: 4 });
  assert.deepEqual(ed.sending, { text: "New words", base: field(4, "Old words") });
  assert.equal(ed.scheduled, false);
  assert.equal(editor.startSave(editor.createEditor(field(1, "Same")), "Same").decision, "clean");
});

test("a statement too long is not sent, and says why", () => {
  const step = editor.startSave(editor.createEditor(field(1, "")), "x".repeat(editor.STATEMENT_MAX + 1));
  assert.equal(step.decision, "invalid");
  assert.equal(step.editor.error, `A statement is at most ${editor.STATEMENT_MAX} characters.`);
  assert.equal(step.editor.status.state, "error");
  assert.equal(editor.isBlocked(step.editor), true);
  assert.equal(editor.startSave(editor.createEditor(field(1, "")), "x".repeat(editor.STATEMENT_MAX)).decision, "send");
});

test("an ack makes the stored field the base, and the box is saved", () => {
  const [ed] = sending("New words");
  const step = editor.settled(ed, { ok: true, field: field(2, "New words") }, box("New words"));
  assert.equal(step.result, true);
  assert.equal(step.editor.base.version, 2);
  assert.equal(step.editor.sending, null);
  assert.deepEqual(step.editor.status, { state: "saved", text: "Saved" });
  assert.deepEqual(step.received, { field: field(2, "New words"), quiet: false });
  assert.equal(editor.isDirty(step.editor, "New words"), false);
});

test("text the server tidied its own way still counts as saved", () => {
  const [ed] = sending("New   words");
  const step = editor.settled(ed, { ok: true, field: field(2, "New words") }, box("New   words"));
  assert.equal(editor.isDirty(step.editor, "New   words"), false, "accepted as stored");
  assert.equal(editor.isDirty(step.editor, "New words"), false);
});

test("what was typed while a save was on its way is saved next, at once or after the pause", () => {
  const [ed] = sending("New");
  const ack = { ok: true, field: field(2, "New") };
  // Asked to save again (a blur, Ctrl+S) while the first was on its way.
  const queued = editor.startSave(editor.typed(ed, "New words").editor, "New words");
  assert.equal(queued.decision, "queued");
  assert.equal(editor.settled(queued.editor, ack, box("New words")).next, "save");
  // Still typing: the pause's timer sends it.
  const typing = editor.typed(ed, "New words").editor;
  const step = editor.settled(typing, ack, box("New words"));
  assert.equal(step.next, undefined);
  assert.equal(step.result, false);
  assert.equal(step.editor.scheduled, true);
  // The timer was called off (the text typed back): sent now.
  assert.equal(editor.settled(ed, ack, box("New words")).next, "save");
});

test("a stale refusal with nothing of theirs to lose is sent again on the newer version", () => {
  const [ed] = sending("New words");
  // Only the pins moved on: the statement is as it was.
  const step = editor.settled(ed, stale(field(2, "Old words", { pins: [5] })), box("New words"));
  assert.equal(step.next, "save");
  assert.equal(step.editor.base.version, 2);
  assert.equal(step.editor.attempts, 1);
  assert.deepEqual(step.received, { field: field(2, "Old words", { pins: [5] }), quiet: true });
  assert.deepEqual(editor.startSave(step.editor, "New words").send, { text: "New words", version: 2 });
});

test("a stale field that keeps changing gives up after a few tries", () => {
  let ed = editor.createEditor(field(1, "Old words"));
  let step;
  for (let i = 0; i <= editor.STALE_RETRIES; i += 1) {
    [ed] = sending("New words", ed);
    step = editor.settled(ed, stale(field(ed.base.version + 1, "Old words")), box("New words"));
    ed = step.editor;
  }
  assert.equal(step.result, false);
  assert.equal(ed.error, "This field kept changing while saving. Try again.");
  assert.deepEqual(ed.status, { state: "error", text: "Not saved: This field kept changing while saving. Try again." });
  assert.equal(ed.attempts, 0);
  assert.equal(editor.tryAgain(ed).error, null);
  assert.equal(editor.startSave(editor.tryAgain(ed), "New words").decision, "send");
});

test("a stale refusal with their own words opens a conflict, and nothing more is sent", () => {
  const [ed] = sending("Mine");
  const step = editor.settled(ed, stale(field(2, "Theirs")), box("Mine"));
  assert.equal(step.result, false);
  assert.equal(step.opened, true);
  assert.deepEqual(step.editor.conflict, { reason: "stale" });
  assert.deepEqual(step.editor.status, { state: "conflict", text: "Not saved yet: choose which text to keep" });
  assert.equal(step.editor.base.statement, "Theirs");
  assert.equal(editor.startSave(step.editor, "Mine").decision, "blocked");
  assert.equal(editor.typed(step.editor, "Mine!").editor, step.editor, "typing in a conflict changes nothing");
  assert.equal(editor.isUnsaved(step.editor, "Theirs"), true);
});

test("they wrote the same words: a stale refusal is no conflict", () => {
  const [ed] = sending("Same words");
  const step = editor.settled(ed, stale(field(2, "Same words")), box("Same words"));
  assert.equal(step.editor.conflict, null);
  assert.equal(step.next, "save");
});

test("Use mine closes the conflict and saves over theirs; Keep theirs puts their text in the box", () => {
  const [ed] = sending("Mine");
  const conflict = editor.settled(ed, stale(field(2, "Theirs")), box("Mine")).editor;

  const mine = editor.useMine(conflict);
  assert.equal(mine.conflict, null);
  assert.deepEqual(editor.startSave(mine, "Mine").send, { text: "Mine", version: 2 });

  const theirs = editor.keepTheirs(conflict);
  assert.equal(theirs.text, "Theirs");
  assert.equal(theirs.editor.conflict, null);
  assert.deepEqual(theirs.editor.status, { state: "saved", text: "Saved: their version kept" });
  assert.equal(editor.isUnsaved(theirs.editor, "Theirs"), false);
});

test("another error leaves the text unsaved, with the server's reason", () => {
  const [ed] = sending("New words");
  const step = editor.settled(ed, { ok: false, error: { code: "timeout", message: "The server did not answer in time." } }, box("New words"));
  assert.equal(step.result, false);
  assert.equal(step.editor.error, "The server did not answer in time.");
  assert.equal(step.editor.status.text, "Not saved: The server did not answer in time.");
  assert.equal(editor.isUnsaved(step.editor, "New words"), true);
});

test("someone else's change goes in the box when nobody is writing in it", () => {
  const ed = editor.createEditor(field(1, "Old words"));
  const step = editor.incoming(ed, field(2, "Their words"), box("Old words"));
  assert.equal(step.text, "Their words");
  assert.equal(step.updated, true);
  assert.deepEqual(step.editor.status, { state: "updated", text: "Updated by someone else" });
  assert.equal(step.editor.base.version, 2);
  assert.equal(editor.isDirty(step.editor, "Their words"), false);
});

test("someone else's change while writing opens a conflict instead, the box kept", () => {
  const ed = editor.createEditor(field(1, "Old words"));
  const unsaved = editor.incoming(ed, field(2, "Their words"), box("My new words"));
  assert.equal(unsaved.text, undefined, "the box is not touched");
  assert.deepEqual(unsaved.editor.conflict, { reason: "incoming" });
  assert.equal(unsaved.opened, true);
  const focused = editor.incoming(ed, field(2, "Their words"), box("Old words", true));
  assert.deepEqual(focused.editor.conflict, { reason: "incoming" }, "the focus in the box is writing too");
  const again = editor.incoming(focused.editor, field(3, "Other words"), box("Old words", true));
  assert.equal(again.opened, false, "already open: said once");
  assert.equal(again.editor.base.statement, "Other words");
});

test("a change that leaves the statement alone, or matches the box, is taken in quietly", () => {
  const ed = editor.typed(editor.createEditor(field(1, "Old words")), "My words").editor;
  const pins = editor.incoming(ed, field(2, "Old words", { pins: [3] }), box("My words", true));
  assert.equal(pins.editor.conflict, null);
  assert.equal(pins.editor.base.version, 2);
  assert.equal(editor.isDirty(pins.editor, "My words"), true, "still mine to save");

  const conflict = editor.incoming(editor.createEditor(field(1, "Old words")), field(2, "Theirs"), box("Mine", true)).editor;
  const same = editor.incoming(conflict, field(3, "Mine"), box("Mine", true));
  assert.equal(same.editor.conflict, null, "they wrote what is in the box: the conflict closes");
  assert.equal(same.editor.status.state, "saved");
});

test("an older or same version is ignored; a newer one during a save waits for its ack", () => {
  const ed = editor.createEditor(field(3, "Old words"));
  assert.equal(editor.incoming(ed, field(3, "Other"), box("Old words")).editor, ed);
  assert.equal(editor.incoming(ed, field(2, "Other"), box("Old words")).editor, ed);

  const [onItsWay] = sending("Mine", ed);
  const stashed = editor.incoming(onItsWay, field(5, "Theirs"), box("Mine")).editor;
  assert.equal(stashed.stashed.version, 5);
  assert.equal(editor.incoming(stashed, field(4, "Older"), box("Mine")).editor.stashed.version, 5, "the newest waits");
  assert.equal(stashed.base.version, 3);

  // Ours was stored as 4, theirs is 5 on top: they wrote over it, while we are still in the box.
  const step = editor.settled(stashed, { ok: true, field: field(4, "Mine") }, box("Mine", true));
  assert.equal(step.editor.stashed, null);
  assert.deepEqual(step.editor.conflict, { reason: "incoming" });
  assert.equal(step.opened, true);
  assert.equal(step.result, false);
});

test("a stashed change after an ack goes in the box when nobody is writing", () => {
  const [ed] = sending("Mine", editor.createEditor(field(3, "Old words")));
  const stashed = editor.incoming(ed, field(5, "Theirs"), box("Mine")).editor;
  const step = editor.settled(stashed, { ok: true, field: field(4, "Mine") }, box("Mine"));
  assert.equal(step.text, "Theirs");
  assert.equal(step.updated, true);
  assert.equal(step.result, true);
  assert.equal(step.editor.base.version, 5);
});

test("the rest status says saved or not written yet, in the words given", () => {
  assert.deepEqual(editor.restStatus("  "), { state: "empty", text: "Not written yet" });
  assert.deepEqual(editor.restStatus("x", "Saved: their version kept"), { state: "saved", text: "Saved: their version kept" });
});

test("the editor is never changed in place", () => {
  const ed = editor.createEditor(field(1, "Old words"));
  const frozen = JSON.stringify(ed);
  editor.typed(ed, "New");
  const [onItsWay] = sending("New", ed);
  const before = JSON.stringify(onItsWay);
  editor.settled(onItsWay, stale(field(2, "Theirs")), box("New"));
  editor.settled(onItsWay, { ok: true, field: field(2, "New") }, box("New"));
  editor.incoming(ed, field(2, "Theirs"), box("Old words"));
  assert.equal(JSON.stringify(ed), frozen);
  assert.equal(JSON.stringify(onItsWay), before);
});
