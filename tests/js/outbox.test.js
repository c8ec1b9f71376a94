// Unit tests of static/js/outbox.js: a phone's answers on their way to the server.
import { assert, test } from "/tests/js/runner.js";
import * as outbox from "/static/js/outbox.js";

const NOW = 1_000_000;
const half = () => 0.5;

function saved(id, clientKey, questionId = 3, text = "Saved text") {
  return { id, question_id: questionId, text, client_key: clientKey, edited: false, updated_at: 1, status: "saved" };
}

/** An outbox with these answers typed for question 3, in order. */
function typed(...texts) {
  return texts.reduce((o, text, i) => outbox.queueAnswer(o, `key-${i + 1}`, 3, text), outbox.createOutbox());
}

/** Send the next entry and settle it with `ack`. */
function sendOnce(o, ack, now = NOW) {
  const entry = outbox.nextToSend(o);
  return outbox.settleSend(outbox.markSending(o, entry.client_key), entry, ack, now, half);
}

const refusal = (code, message = "Something", details = undefined) => ({ ok: false, error: { code, message, details } });

test("a typed answer waits with its client key, and is what is kept on the phone", () => {
  const o = typed("Hospitals");
  assert.equal(outbox.hasWaiting(o), true);
  assert.deepEqual(outbox.stored(o), [{ client_key: "key-1", question_id: 3, text: "Hospitals" }]);
  assert.deepEqual(outbox.submitPayload(outbox.nextToSend(o)), { question_id: 3, text: "Hospitals", client_key: "key-1" });
  assert.equal(outbox.stored(outbox.createOutbox()), null, "nothing to keep: the stored copy goes");
  assert.equal(outbox.hasWaiting(outbox.createOutbox()), false);
});

test("answers kept before a reload wait again; broken ones are left out", () => {
  const kept = [
    { client_key: "a", question_id: 3, text: "Hospitals" },
    { client_key: "b", question_id: 3 },
    null,
    { question_id: 3, text: "no key" },
    { client_key: "c", question_id: 4, text: "" },
  ];
  const o = outbox.createOutbox(JSON.parse(JSON.stringify(kept)));
  assert.deepEqual(o.pending.map((e) => e.client_key), ["a", "c"]);
  assert.deepEqual(outbox.createOutbox("not a list").pending, []);
  assert.deepEqual(outbox.createOutbox(null).pending, []);
});

test("a new person's join takes up what was kept for them, not the last person's", () => {
  const o = outbox.markSending(typed("Mine"), "key-1");
  const next = outbox.reloaded(o, [{ client_key: "z", question_id: 5, text: "Theirs" }]);
  assert.deepEqual(next.pending.map((e) => e.client_key), ["z"]);
  assert.deepEqual(next.sending, ["key-1"]);
});

test("answers go one at a time, oldest first, and one on its way is not sent twice", () => {
  const o = typed("First", "Second");
  assert.equal(outbox.nextToSend(o).text, "First");
  const busy = outbox.markSending(o, "key-1");
  assert.equal(outbox.nextToSend(busy).text, "Second");
  assert.equal(outbox.markSending(busy, "key-1"), busy);
  assert.equal(outbox.nextToSend(outbox.markSending(busy, "key-2")), null);
});

test("an acknowledged answer leaves the outbox, and the wait after refusals is over", () => {
  const refused = sendOnce(typed("First", "Second"), refusal("rate_limited")).outbox;
  assert.equal(refused.refusals, 1);
  const { outbox: after, outcome } = sendOnce({ ...refused, retryAt: 0 }, { ok: true, answer: saved(9, "key-1") });
  assert.equal(outcome.kind, "saved");
  assert.equal(outcome.answer.id, 9);
  assert.deepEqual(after.pending.map((e) => e.client_key), ["key-2"]);
  assert.deepEqual(after.sending, []);
  assert.equal(after.refusals, 0);
});

test("a timeout keeps the answer with the same key and waits before the next try", () => {
  const { outbox: after, outcome } = sendOnce(typed("Hospitals"), refusal("timeout"));
  assert.equal(outcome.kind, "kept");
  assert.ok(outcome.wait >= 750 && outcome.wait <= 1250, `a first wait of about a second, got ${outcome.wait}`);
  assert.equal(after.retryAt, NOW + outcome.wait);
  assert.equal(outbox.maySend(after, NOW), false);
  assert.equal(outbox.maySend(after, NOW + outcome.wait), true);
  assert.deepEqual(after.sending, [], "no longer on its way");
  assert.equal(outbox.nextToSend(after).client_key, "key-1", "the retry is the same answer, with the same key");
});

test("refusals in a row make the wait grow, and the server's retry_after wins", () => {
  let o = typed("Hospitals");
  const waits = [];
  for (let i = 0; i < 3; i += 1) {
    const settled = sendOnce(o, refusal("unavailable"));
    waits.push(settled.outcome.wait);
    o = { ...settled.outbox, retryAt: 0 };
  }
  assert.deepEqual(waits, [1000, 2000, 4000]);
  const told = sendOnce(typed("Hospitals"), refusal("rate_limited", "Too fast", { retry_after: 3 }));
  assert.equal(told.outcome.wait, Math.ceil(3000 * 1.1));
});

test("offline, the answer stays and waits for the next join, not for a timer", () => {
  const { outbox: after, outcome } = sendOnce(typed("Hospitals"), refusal("offline"));
  assert.deepEqual(outcome, { kind: "kept", wait: null });
  assert.equal(after.refusals, 0);
  assert.equal(outbox.maySend(after, NOW), true);
  assert.equal(outbox.hasWaiting(after), true);
});

test("a refusal for good moves the answer to the refused, with the reason", () => {
  const { outbox: after, outcome } = sendOnce(typed("Hospitals"), refusal("answering_closed", "Answering is closed."));
  assert.deepEqual(outcome, { kind: "refused", message: "Not sent: Answering is closed." });
  assert.equal(outbox.hasWaiting(after), false);
  assert.deepEqual(after.refused, [{ client_key: "key-1", question_id: 3, text: "Hospitals", error: "Not sent: Answering is closed." }]);
});

test("Try again queues a refused answer with its key; Remove drops it", () => {
  const refused = sendOnce(typed("Hospitals"), refusal("answering_closed")).outbox;
  const again = outbox.retryRefused(refused, "key-1");
  assert.deepEqual(again.refused, []);
  assert.deepEqual(outbox.stored(again), [{ client_key: "key-1", question_id: 3, text: "Hospitals" }]);
  assert.equal(outbox.retryRefused(refused, "nope"), refused);
  assert.deepEqual(outbox.dismissRefused(refused, "key-1").refused, []);
});

test("answers the server has already (a lost ack, another tab) leave the outbox on a join or an echo", () => {
  const o = typed("First", "Second", "Third");
  const joined = outbox.withoutStored(o, [saved(1, "key-1"), saved(2, "key-3"), saved(3, null)]);
  assert.deepEqual(joined.pending.map((e) => e.client_key), ["key-2"]);
  const echoed = outbox.withoutStored(joined, [saved(4, "key-2")]);
  assert.equal(outbox.hasWaiting(echoed), false);
  assert.equal(outbox.withoutStored(o, [saved(5, "other")]), o, "nothing of ours: the same outbox");
  assert.equal(outbox.withoutStored(o, undefined), o);
});

test("the list shows unsent and refused answers first, newest first, then the question's saved ones", () => {
  let o = typed("First", "Second");
  o = sendOnce(o, refusal("answering_closed")).outbox; // key-1 refused
  o = outbox.queueAnswer(o, "key-9", 2, "For another question");
  const answers = [saved(7, "s7", 3), saved(8, "s8", 4), saved(9, "s9", 3)];
  const shown = outbox.shownEntries(o, answers.values(), 3);
  assert.deepEqual(
    shown.map((e) => e.key),
    ["k:key-1", "k:key-9", "k:key-2", "a:9", "a:7"],
  );
  assert.ok(shown[0].refused && shown[1].pending && shown[3].answer);
  assert.deepEqual(outbox.shownEntries(o, answers, null), [], "no question open: no list");
});

test("each entry says where it is: saved, being changed, sending, waiting, or refused", () => {
  let o = typed("First", "Second");
  o = outbox.markSending(o, "key-1");
  const [second, first] = outbox.shownEntries(o, [], 3);
  assert.deepEqual(outbox.entryStatus(o, first, { joined: true }), { state: "sending", text: "Sending…" });
  assert.deepEqual(outbox.entryStatus(o, second, { joined: true }), { state: "waiting", text: "Waiting to be sent" });
  assert.deepEqual(outbox.entryStatus(o, second, { joined: false }), { state: "waiting", text: "Waiting for connection" });
  const answer = { key: "a:1", answer: saved(1, "x") };
  assert.deepEqual(outbox.entryStatus(o, answer, { joined: true }), { state: "saved", text: "Saved" });
  assert.deepEqual(outbox.entryStatus(o, answer, { joined: true, busy: "Saving…" }), { state: "sending", text: "Saving…" });
  const refused = { key: "k:r", refused: { client_key: "r", error: "Not sent: closed" } };
  assert.deepEqual(outbox.entryStatus(o, refused, { joined: true }), { state: "error", text: "Not sent: closed" });
});

test("the line under the send button: sending, waiting (joined or not), saved a moment ago, or nothing", () => {
  const one = typed("First");
  assert.deepEqual(outbox.sendLine(outbox.markSending(one, "key-1"), { joined: true }), { state: "sending", text: "Sending…" });
  assert.equal(outbox.sendLine(one, { joined: true }).text, "1 answer is waiting to be sent. Trying again…");
  assert.equal(
    outbox.sendLine(typed("First", "Second"), { joined: false }).text,
    "Waiting for connection: 2 answers are kept on this phone and will be sent automatically.",
  );
  assert.deepEqual(outbox.sendLine(outbox.createOutbox(), { joined: true, savedLately: true }), { state: "saved", text: "Saved ✓" });
  assert.deepEqual(outbox.sendLine(outbox.createOutbox(), { joined: true, savedLately: false }), { state: "idle", text: "" });
});

test("the outbox is never changed in place", () => {
  const o = typed("First");
  const frozen = JSON.stringify(o);
  outbox.markSending(o, "key-1");
  outbox.settleSend(o, outbox.nextToSend(o), { ok: true, answer: saved(1, "key-1") }, NOW);
  outbox.withoutStored(o, [saved(1, "key-1")]);
  outbox.queueAnswer(o, "k", 3, "x");
  assert.equal(JSON.stringify(o), frozen);
});
