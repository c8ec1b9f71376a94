// Unit tests of static/js/sequence-tracker.js: following the server's change numbers.
import { assert, test } from "/tests/js/runner.js";
import {
  accountFor,
  countedNumber,
  createTracker,
  hasGap,
  noteMessage,
  orderNumber,
  RECENT_MAX,
  RECENT_MS,
  remember,
  replayAfter,
  takeSnapshot,
} from "/static/js/sequence-tracker.js";

/** A tracker after a join whose snapshot was of change `seq`. */
function joinedAt(seq) {
  return accountFor(createTracker(), seq);
}

/** Note each message in turn; return the last tracker and every verdict. */
function noteAll(t, messages) {
  const verdicts = [];
  for (const [event, payload] of messages) {
    const noted = noteMessage(t, event, payload);
    t = noted.tracker;
    verdicts.push(noted.verdict);
  }
  return { tracker: t, verdicts };
}

function stateAt(seq, serverTime) {
  return { audience: "console", workshop: { seq, server_time: serverTime } };
}

test("a message's numbers: seq counts, order only orders, a state counts by its workshop", () => {
  assert.equal(countedNumber({ seq: 4 }), 4);
  assert.equal(countedNumber(stateAt(9, 1)), 9);
  assert.equal(countedNumber({ order: 4 }), null);
  assert.equal(countedNumber(null), null);
  assert.equal(orderNumber({ order: 4 }), 4);
  assert.equal(orderNumber({ seq: 5, order: 4 }), 5);
  assert.equal(orderNumber({ id: 1 }), null);
});

test("the join's snapshot starts the count; nothing is followed before it", () => {
  const before = createTracker();
  assert.equal(before.last, null);
  const noted = noteMessage(before, "answer", { seq: 3 });
  assert.equal(noted.verdict, "unnumbered");
  assert.equal(noted.tracker, before);
  assert.equal(joinedAt(7).last, 7);
});

test("the next number moves the count on, with no gap", () => {
  const { tracker, verdicts } = noteAll(joinedAt(7), [
    ["answer", { seq: 8 }],
    ["answer", { seq: 9 }],
  ]);
  assert.deepEqual(verdicts, ["next", "next"]);
  assert.equal(tracker.last, 9);
  assert.equal(hasGap(tracker), false);
});

test("a number that skips one is a gap until the missing one turns up", () => {
  const t = joinedAt(7);
  const skipped = noteMessage(t, "answer", { seq: 9 });
  assert.equal(skipped.verdict, "ahead");
  assert.equal(skipped.tracker.last, 7);
  assert.equal(hasGap(skipped.tracker), true);

  const filled = noteMessage(skipped.tracker, "answer", { seq: 8 });
  assert.equal(filled.verdict, "next");
  assert.equal(filled.tracker.last, 9, "the early one is taken in with it");
  assert.equal(hasGap(filled.tracker), false);
});

test("messages that overtook one another close up in any order", () => {
  const { tracker, verdicts } = noteAll(joinedAt(0), [
    ["answer", { seq: 3 }],
    ["answer", { seq: 4 }],
    ["answer", { seq: 2 }],
    ["answer", { seq: 1 }],
  ]);
  assert.deepEqual(verdicts, ["ahead", "ahead", "ahead", "next"]);
  assert.equal(tracker.last, 4);
  assert.deepEqual(tracker.ahead, []);
});

test("a repeated or already-covered number is old and changes nothing", () => {
  const t = noteAll(joinedAt(7), [["answer", { seq: 8 }]]).tracker;
  for (const seq of [8, 7, 2]) {
    const noted = noteMessage(t, "answer", { seq });
    assert.equal(noted.verdict, "old", `seq ${seq}`);
    assert.equal(noted.tracker, t);
  }
  const twice = noteAll(joinedAt(7), [
    ["answer", { seq: 9 }],
    ["answer", { seq: 9 }],
  ]).tracker;
  assert.deepEqual(twice.ahead, [9], "a number ahead waits once");
});

test("a message without a number, or with only an order, is not counted", () => {
  const t = joinedAt(7);
  assert.equal(noteMessage(t, "reactions", { field: "vision" }).verdict, "unnumbered");
  assert.equal(noteMessage(t, "answer", { order: 12 }).verdict, "unnumbered");
  assert.equal(noteMessage(t, "answer", { order: 12 }).tracker, t);
});

test("a covers message accounts for everything up to its number, hole or not", () => {
  const gap = noteMessage(joinedAt(7), "answer", { seq: 10 }).tracker;
  const covered = noteMessage(gap, "counts", { seq: 12, covers: true });
  assert.equal(covered.verdict, "whole");
  assert.equal(covered.tracker.last, 12);
  assert.equal(hasGap(covered.tracker), false);
});

test("a state accounts for everything up to its workshop's number", () => {
  const gap = noteMessage(joinedAt(7), "answer", { seq: 12 }).tracker;
  const state = noteMessage(gap, "state", stateAt(10, 1000));
  assert.equal(state.verdict, "whole");
  assert.equal(state.tracker.last, 10);
  assert.equal(hasGap(state.tracker), true, "12 is still ahead of the snapshot's 10");
  assert.equal(noteMessage(state.tracker, "answer", { seq: 11 }).tracker.last, 12);
});

test("a resync's snapshot closes the gap it was taken for, and never moves the count back", () => {
  const gap = noteMessage(joinedAt(7), "answer", { seq: 10 }).tracker;
  assert.equal(hasGap(gap), true);
  const resynced = accountFor(gap, 10);
  assert.equal(resynced.last, 10);
  assert.equal(hasGap(resynced), false);
  assert.equal(accountFor(resynced, 4).last, 10);
});

test("a snapshot older than the one applied is not fresh, and does not become the newest", () => {
  let t = createTracker();
  const first = takeSnapshot(t, stateAt(5, 2000));
  assert.equal(first.fresh, true);
  t = first.tracker;
  const older = takeSnapshot(t, stateAt(4, 1500));
  assert.equal(older.fresh, false);
  assert.equal(older.tracker.snapshotAt, 2000);
  assert.equal(takeSnapshot(t, stateAt(5, 2000)).fresh, true, "the same moment again is fresh");
  assert.equal(takeSnapshot(t, { workshop: {} }).fresh, true, "without a server time, always fresh");
  assert.equal(takeSnapshot(t, null).fresh, true);
});

test("numbered deltas are kept, and those after a snapshot's number are applied again in order", () => {
  let t = joinedAt(0);
  t = remember(t, "answer", { seq: 6, id: "b" }, 1000);
  t = remember(t, "answer", { seq: 4, id: "a" }, 1001);
  t = remember(t, "answer_removed", { order: 5, id: "c" }, 1002);
  t = remember(t, "answer", { seq: 3, id: "old" }, 1003);
  assert.deepEqual(
    replayAfter(t, 3).map(({ event, payload }) => [event, payload.id]),
    [
      ["answer", "a"],
      ["answer_removed", "c"],
      ["answer", "b"],
    ],
  );
  assert.deepEqual(replayAfter(t, 6), []);
  assert.deepEqual(replayAfter(t, undefined), [], "a snapshot without a number replays nothing");
});

test("whole values and unnumbered messages are never kept to be applied again", () => {
  const t = joinedAt(0);
  assert.equal(remember(t, "state", stateAt(3, 1), 1000), t);
  assert.equal(remember(t, "counts", { seq: 3, covers: true }, 1000), t);
  assert.equal(remember(t, "reactions", { field: "vision" }, 1000), t);
});

test("kept deltas expire after a while, and there are never too many", () => {
  let t = remember(joinedAt(0), "answer", { seq: 1 }, 0);
  t = remember(t, "answer", { seq: 2 }, RECENT_MS);
  assert.equal(t.recent.length, 2, "exactly RECENT_MS old still stays");
  t = remember(t, "answer", { seq: 3 }, RECENT_MS + 1);
  assert.deepEqual(t.recent.map((entry) => entry.number), [2, 3]);

  let many = joinedAt(0);
  for (let n = 1; n <= RECENT_MAX + 5; n += 1) many = remember(many, "answer", { seq: n }, 5000);
  assert.equal(many.recent.length, RECENT_MAX);
  assert.equal(many.recent[0].number, 6, "the oldest go first");
});

test("the tracker is never changed in place", () => {
  const t = joinedAt(7);
  const frozen = JSON.stringify(t);
  noteMessage(t, "answer", { seq: 9 });
  remember(t, "answer", { seq: 9 }, 1);
  accountFor(t, 20);
  assert.equal(JSON.stringify(t), frozen);
});
