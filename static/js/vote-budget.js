// One person's dots on a dot vote, without the page: how many they have left, what
// they placed, what the server has acknowledged and what still has to be sent.
// Pure functions over a plain object, each returning a new one (no DOM here;
// tests/js/vote-budget.test.js). phone.js draws it and sends it.
//
// A phone always sends its whole allocation, which replaces what it had: a retry or
// a repeat changes nothing. So the budget keeps two allocations, item id -> dots:
// `acked`, as the server last said it stored them, and `pending`, what the person
// has chosen since (null when there is nothing to send).

/** Return an allocation with string keys and whole, positive counts only (zeros dropped). */
function clean(dots, items = null) {
  const out = {};
  for (const [key, value] of Object.entries(dots || {})) {
    const n = Math.floor(Number(value));
    if (!(n > 0)) continue;
    if (items && !items.includes(String(key))) continue;
    out[String(key)] = n;
  }
  return out;
}

function same(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((key) => a[key] === b[key]);
}

function total(dots) {
  return Object.values(dots).reduce((sum, n) => sum + n, 0);
}

/** The most dots one item may hold. */
function cap(b) {
  return b.stack ? b.dots : 1;
}

/** Return `b` with `pending` set to `next`, or cleared when it is what the server has. */
function choose(b, next) {
  return { ...b, pending: same(next, b.acked) ? null : next };
}

/**
 * Return a budget for `vote` (as the phone's state has it: {id, dots, stack, status,
 * items}), starting from the dots the server `saved` for this person ({item id: n}).
 *
 * `kept` is what `keptFor` gave before a reload ({vote_id, base, pending}): a change
 * that had not been acknowledged is taken up again, on top of the saved dots.
 */
export function createBudget(vote, saved = null, kept = null) {
  const items = (vote.items || []).map((item) => String(item.id));
  const fresh = {
    voteId: vote.id,
    dots: Number(vote.dots) || 0,
    stack: Boolean(vote.stack),
    open: vote.status === "open",
    items,
    acked: clean(saved),
    pending: null,
  };
  if (!fresh.open || !kept || kept.vote_id !== vote.id || !kept.pending) return fresh;
  const known = vote.items ? items : null;
  // A send whose ack was lost on the way: the server has it, so it is the base.
  const sent = kept.sent ? clean(kept.sent, known) : null;
  const base = sent && same(sent, fresh.acked) ? sent : clean(kept.base, known);
  const before = { ...fresh, acked: base, pending: clean(kept.pending, known) };
  return fromOtherTab(before, { vote_id: vote.id, dots: fresh.acked });
}

/**
 * Return the budget for the vote a new `state` carries: the same person's dots when
 * it is the same vote (its status, budget or items may have changed), a fresh budget
 * for a new vote, null when no vote is on the screens.
 */
export function followVote(b, vote, saved = null) {
  if (!vote) return null;
  if (!b || b.voteId !== vote.id) return createBudget(vote, saved);
  const items = vote.items ? vote.items.map((item) => String(item.id)) : b.items;
  const next = {
    ...b,
    dots: Number(vote.dots) || b.dots,
    stack: Boolean(vote.stack),
    open: vote.status === "open",
    items,
    acked: vote.items ? clean(b.acked, items) : b.acked,
  };
  if (!next.open) return { ...next, pending: null };
  return next.pending ? choose(next, clean(next.pending, items)) : next;
}

/** Return the allocation the person sees: what they chose, else what the server has. */
export function allocation(b) {
  return b.pending || b.acked;
}

/** Return how many dots sit on one item. */
export function dotsOn(b, itemId) {
  return allocation(b)[String(itemId)] || 0;
}

/** Return how many dots the person has placed. */
export function placed(b) {
  return total(allocation(b));
}

/** Return how many dots the person still has to place. */
export function dotsLeft(b) {
  return Math.max(0, b.dots - placed(b));
}

/** Whether one more dot may go on this item: the vote is open, a dot is left, and the item has room. */
export function canAdd(b, itemId) {
  const key = String(itemId);
  return b.open && b.items.includes(key) && dotsLeft(b) > 0 && dotsOn(b, key) < cap(b);
}

/** Whether a dot may be taken off this item. */
export function canTake(b, itemId) {
  return b.open && dotsOn(b, itemId) > 0;
}

/** Return `b` with one more dot on the item, or `b` itself when it may not have one. */
export function addDot(b, itemId) {
  if (!canAdd(b, itemId)) return b;
  const key = String(itemId);
  return choose(b, { ...allocation(b), [key]: dotsOn(b, key) + 1 });
}

/** Return `b` with one dot fewer on the item, or `b` itself when it has none. */
export function takeDot(b, itemId) {
  if (!canTake(b, itemId)) return b;
  const key = String(itemId);
  const next = { ...allocation(b) };
  if (next[key] > 1) next[key] -= 1;
  else delete next[key];
  return choose(b, next);
}

/** Without stacking, one tap puts the item's dot on or takes it off. */
export function toggleDot(b, itemId) {
  return dotsOn(b, itemId) > 0 ? takeDot(b, itemId) : addDot(b, itemId);
}

/** Whether the person chose something the server has not acknowledged yet. */
export function hasPending(b) {
  return Boolean(b && b.pending);
}

/** Return the `vote:dots` payload to send ({vote_id, dots}: the whole allocation), or null. */
export function toSend(b) {
  if (!b || !b.open || !b.pending) return null;
  return { vote_id: b.voteId, dots: { ...b.pending } };
}

/**
 * Return `b` after the server acknowledged a send: what it stored is the new `acked`;
 * what the person chose since it was sent stays pending (and is sent next).
 */
export function applyAck(b, ack) {
  if (!b || !ack || !ack.ok || ack.vote_id !== b.voteId) return b;
  const acked = clean(ack.dots, b.items);
  const pending = b.pending && !same(b.pending, acked) ? b.pending : null;
  return { ...b, acked, pending };
}

/** Return `b` with its unacknowledged change given up (the server refused it for good). */
export function dropPending(b) {
  return b ? { ...b, pending: null } : b;
}

/**
 * Return `b` after another tab of the same person changed the dots (a `my_dots`
 * message, {vote_id, dots}). Those become the acknowledged dots; a change this tab
 * had not had acknowledged is made again on top of them, as far as the budget and
 * the stack rule allow: dots it took off come off first, then the ones it added go
 * on, in the vote's order, while dots are left.
 */
export function fromOtherTab(b, message) {
  if (!b || !message || message.vote_id !== b.voteId) return b;
  const theirs = clean(message.dots, b.items.length ? b.items : null);
  if (!b.pending || same(b.pending, theirs)) return { ...b, acked: theirs, pending: null };
  const keys = [...new Set([...b.items, ...Object.keys(b.pending), ...Object.keys(b.acked)])];
  const change = new Map(keys.map((key) => [key, (b.pending[key] || 0) - (b.acked[key] || 0)]));
  const next = { ...theirs };
  for (const [key, delta] of change) {
    if (delta < 0 && next[key]) next[key] = Math.max(0, next[key] + delta);
    if (next[key] === 0) delete next[key];
  }
  const most = b.stack ? b.dots : 1;
  for (const [key, delta] of change) {
    const room = Math.min(delta, most - (next[key] || 0), b.dots - total(next));
    if (room > 0) next[key] = (next[key] || 0) + room;
  }
  return choose({ ...b, acked: theirs }, next);
}

/**
 * Return what to keep on the phone so a reload or a reconnect loses nothing:
 * {vote_id, base, pending, sent}, `sent` being the allocation on its way, if any.
 */
export function keptFor(b, sent = null) {
  if (!b) return null;
  return {
    vote_id: b.voteId,
    base: { ...b.acked },
    pending: b.pending ? { ...b.pending } : null,
    sent: sent ? { ...sent } : null,
  };
}

function dotWords(n) {
  return `${n} ${n === 1 ? "dot" : "dots"}`;
}

/** "2 of 3 dots left", "1 of 1 dot left", "0 of 3 dots left". */
export function leftWords(b) {
  return `${dotsLeft(b)} of ${dotWords(b.dots)} left`;
}

/**
 * Return the person's dots in words, in the vote's order: "2 on “Health” and 1 on
 * “Costs”", with `labelOf(id)` naming each item (null when it is not known: then
 * only the number is said); "none" when no dot was placed.
 */
export function dotsWords(b, labelOf = () => null) {
  const mine = allocation(b);
  const order = [...b.items, ...Object.keys(mine).filter((key) => !b.items.includes(key))];
  const named = [];
  let unnamed = 0;
  for (const key of order) {
    const n = mine[key] || 0;
    if (!n) continue;
    const label = labelOf(key);
    if (label) named.push(`${n} on “${label}”`);
    else unnamed += n;
  }
  if (unnamed) named.push(named.length ? `${dotWords(unnamed)} on other items` : `${dotWords(unnamed)} placed`);
  if (!named.length) return "none";
  if (named.length === 1) return named[0];
  return `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
}
