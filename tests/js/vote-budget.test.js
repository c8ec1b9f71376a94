// Unit tests of static/js/vote-budget.js: one person's dots on a dot vote.
import { assert, test } from "/tests/js/runner.js";
import {
  addDot,
  allocation,
  applyAck,
  canAdd,
  canTake,
  createBudget,
  dotsLeft,
  dotsOn,
  dotsWords,
  dropPending,
  followVote,
  fromOtherTab,
  hasPending,
  keptFor,
  leftWords,
  placed,
  takeDot,
  toggleDot,
  toSend,
} from "/static/js/vote-budget.js";

const ITEMS = [
  { id: 11, label: "Health" },
  { id: 12, label: "Costs" },
  { id: 13, label: "Schools" },
  { id: 14, label: "Roads" },
];

function vote(options = {}) {
  return { id: 7, title: "Which themes matter most?", dots: 3, stack: false, status: "open", items: ITEMS, ...options };
}

const label = (id) => ITEMS.find((item) => String(item.id) === id)?.label ?? null;

/** Tap `add` on each item id in turn. */
function taps(b, ...ids) {
  return ids.reduce((budget, id) => addDot(budget, id), b);
}

test("a new vote leaves every dot to place", () => {
  const b = createBudget(vote());
  assert.equal(dotsLeft(b), 3);
  assert.equal(placed(b), 0);
  assert.equal(leftWords(b), "3 of 3 dots left");
  assert.equal(hasPending(b), false);
  assert.equal(toSend(b), null);
});

test("the saved dots count against the budget", () => {
  const b = createBudget(vote(), { 11: 1, 13: 1 });
  assert.equal(dotsLeft(b), 1);
  assert.equal(dotsOn(b, 13), 1);
  assert.equal(leftWords(b), "1 of 3 dots left");
  assert.equal(leftWords(createBudget(vote({ dots: 1 }))), "1 of 1 dot left");
});

test("no more dots than the budget: the last add is refused", () => {
  const full = taps(createBudget(vote()), 11, 12, 13);
  assert.equal(dotsLeft(full), 0);
  assert.equal(leftWords(full), "0 of 3 dots left");
  assert.equal(canAdd(full, 14), false);
  assert.equal(addDot(full, 14), full, "the same budget back");
  assert.deepEqual(allocation(full), { 11: 1, 12: 1, 13: 1 });
});

test("taking a dot off gives it back to place elsewhere", () => {
  const full = taps(createBudget(vote()), 11, 12, 13);
  const moved = addDot(takeDot(full, 11), 14);
  assert.deepEqual(allocation(moved), { 12: 1, 13: 1, 14: 1 });
  assert.equal(canTake(moved, 11), false);
  assert.equal(takeDot(moved, 11), moved);
});

test("without stacking an item holds one dot, and a tap toggles it", () => {
  const b = createBudget(vote());
  const once = addDot(b, 11);
  assert.equal(canAdd(once, 11), false);
  assert.equal(addDot(once, 11), once);
  assert.equal(dotsOn(toggleDot(once, 11), 11), 0);
  assert.equal(dotsOn(toggleDot(b, 11), 11), 1);
});

test("with stacking several dots go on one item, up to the budget", () => {
  const b = taps(createBudget(vote({ stack: true })), 11, 11, 11);
  assert.equal(dotsOn(b, 11), 3);
  assert.equal(dotsLeft(b), 0);
  assert.equal(canAdd(b, 11), false);
  assert.deepEqual(allocation(takeDot(b, 11)), { 11: 2 });
});

test("an item the vote does not hold takes no dot", () => {
  const b = createBudget(vote());
  assert.equal(canAdd(b, 99), false);
  assert.equal(addDot(b, 99), b);
});

test("a closed vote takes no dot and sends nothing", () => {
  const b = taps(createBudget(vote()), 11);
  const closed = followVote(b, { ...vote({ status: "closed" }), items: undefined });
  assert.equal(canAdd(closed, 12), false);
  assert.equal(canTake(closed, 11), false);
  assert.equal(toSend(closed), null);
});

test("a change is pending until it is acknowledged", () => {
  const b = taps(createBudget(vote()), 11, 12);
  assert.equal(hasPending(b), true);
  assert.deepEqual(toSend(b), { vote_id: 7, dots: { 11: 1, 12: 1 } });

  const saved = applyAck(b, { ok: true, vote_id: 7, dots: { 11: 1, 12: 1 } });
  assert.equal(hasPending(saved), false);
  assert.equal(toSend(saved), null);
  assert.deepEqual(allocation(saved), { 11: 1, 12: 1 });
});

test("undoing a change back to what the server has leaves nothing pending", () => {
  const b = createBudget(vote(), { 11: 1 });
  assert.equal(hasPending(takeDot(addDot(b, 12), 12)), false);
});

test("taps while a send is on its way stay pending after its ack", () => {
  const first = taps(createBudget(vote()), 11);
  const sent = toSend(first);
  const more = addDot(first, 12);

  const acked = applyAck(more, { ok: true, ...sent });

  assert.deepEqual(acked.acked, { 11: 1 });
  assert.deepEqual(toSend(acked), { vote_id: 7, dots: { 11: 1, 12: 1 } });
});

test("a retried send is the same whole allocation, and its second ack changes nothing", () => {
  const b = taps(createBudget(vote()), 11, 13);
  const first = toSend(b);
  // The first ack was lost (a timeout): the same allocation is sent again.
  assert.deepEqual(toSend(b), first);
  const ack = { ok: true, ...first };
  const once = applyAck(b, ack);
  assert.deepEqual(applyAck(once, ack), once);
  assert.equal(hasPending(once), false);
});

test("an ack for another vote, or a refusal, changes nothing", () => {
  const b = taps(createBudget(vote()), 11);
  assert.equal(applyAck(b, { ok: true, vote_id: 8, dots: {} }), b);
  assert.equal(applyAck(b, { ok: false, error: { code: "unavailable" } }), b);
});

test("a refused change is given up, back to what the server has", () => {
  const b = taps(createBudget(vote(), { 11: 1 }), 12);
  const back = dropPending(b);
  assert.deepEqual(allocation(back), { 11: 1 });
  assert.equal(hasPending(back), false);
});

test("another tab's dots replace the acknowledged ones when nothing is pending", () => {
  const b = createBudget(vote(), { 11: 1 });
  const moved = fromOtherTab(b, { vote_id: 7, dots: { 12: 1, 13: 1 } });
  assert.deepEqual(allocation(moved), { 12: 1, 13: 1 });
  assert.equal(hasPending(moved), false);
  assert.equal(fromOtherTab(b, { vote_id: 8, dots: { 12: 1 } }), b, "another vote's dots are ignored");
});

test("another tab's dots keep this tab's unacknowledged change on top", () => {
  // Saved {Health}; this tab added Schools, not acknowledged yet; the other tab moved Health to Costs.
  const b = addDot(createBudget(vote(), { 11: 1 }), 13);
  const merged = fromOtherTab(b, { vote_id: 7, dots: { 12: 1 } });
  assert.deepEqual(merged.acked, { 12: 1 });
  assert.deepEqual(toSend(merged), { vote_id: 7, dots: { 12: 1, 13: 1 } });
});

test("a merge with another tab never goes over the budget", () => {
  const b = taps(createBudget(vote()), 13, 14);
  const merged = fromOtherTab(b, { vote_id: 7, dots: { 11: 1, 12: 1 } });
  assert.deepEqual(allocation(merged), { 11: 1, 12: 1, 13: 1 });
  assert.equal(dotsLeft(merged), 0);
});

test("a dot this tab took off stays off after another tab's change", () => {
  const b = takeDot(createBudget(vote({ stack: true }), { 11: 2 }), 11);
  const merged = fromOtherTab(b, { vote_id: 7, dots: { 11: 2, 12: 1 } });
  assert.deepEqual(allocation(merged), { 11: 1, 12: 1 });
});

test("when the other tab chose what this tab wants, nothing is left to send", () => {
  const b = taps(createBudget(vote()), 12);
  assert.equal(hasPending(fromOtherTab(b, { vote_id: 7, dots: { 12: 1 } })), false);
});

test("a change kept before a reload is sent again, on top of the saved dots", () => {
  const before = addDot(createBudget(vote(), { 11: 1 }), 12);
  const kept = JSON.parse(JSON.stringify(keptFor(before)));

  assert.deepEqual(toSend(createBudget(vote(), { 11: 1 }, kept)), { vote_id: 7, dots: { 11: 1, 12: 1 } });
  // It reached the server before the reload after all (only its ack was lost).
  assert.equal(hasPending(createBudget(vote(), { 11: 1, 12: 1 }, kept)), false);
  // Another vote's change is not taken up.
  assert.equal(hasPending(createBudget(vote({ id: 8 }), {}, kept)), false);
});

test("a stacked change kept before a reload is not made twice", () => {
  const before = addDot(createBudget(vote({ stack: true }), { 11: 1 }), 11);
  const kept = keptFor(before);
  assert.equal(hasPending(createBudget(vote({ stack: true }), { 11: 2 }, kept)), false);
});

test("the same vote in a new state keeps the dots; a new vote starts afresh", () => {
  const b = taps(createBudget(vote()), 11);
  assert.deepEqual(toSend(followVote(b, vote({ title: "Renamed" }))), toSend(b));
  const next = followVote(b, vote({ id: 8 }));
  assert.equal(next.voteId, 8);
  assert.equal(placed(next), 0);
  assert.equal(followVote(b, null), null);
});

test("an item that leaves the vote takes its dots with it", () => {
  const b = taps(createBudget(vote()), 11, 14);
  const fewer = followVote(b, vote({ items: ITEMS.slice(0, 3) }));
  assert.deepEqual(allocation(fewer), { 11: 1 });
});

test("the dots in words, in the vote's order", () => {
  const b = taps(createBudget(vote({ stack: true })), 13, 11, 11);
  assert.equal(dotsWords(b, label), "2 on “Health” and 1 on “Schools”");
  assert.equal(dotsWords(addDot(takeDot(b, 13), 12), label), "2 on “Health” and 1 on “Costs”");
  assert.equal(dotsWords(createBudget(vote()), label), "none");
  // A closed vote seen after a reload has no labels to give.
  assert.equal(dotsWords(b), "3 dots placed");
  assert.equal(dotsWords(b, (id) => (id === "11" ? "Health" : null)), "2 on “Health” and 1 dot on other items");
});

test("a stacked send whose ack was lost is not made twice after a reconnect", () => {
  const b = addDot(createBudget(vote({ stack: true }), { 11: 1 }), 11);
  const sent = toSend(b).dots;
  const more = addDot(b, 12);
  // The server stored {11: 2}; the phone wants {11: 2, 12: 1}.
  const again = createBudget(vote({ stack: true }), { 11: 2 }, keptFor(more, sent));
  assert.deepEqual(toSend(again), { vote_id: 7, dots: { 11: 2, 12: 1 } });
});
