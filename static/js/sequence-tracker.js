// Following the server's change numbers, without the page or the socket: which
// numbers have arrived, whether a hole means a missed message (a resync), which
// snapshot is older than one already applied, and which recent changes to apply
// again on top of a snapshot (docs/protocol.md, "Sequence numbers"). Pure
// functions over a plain object, each returning a new one (no DOM, no timers:
// tests/js/sequence-tracker.test.js). live.js's connectLive keeps the timers.
//
// The tracker holds:
//   last        every change number up to this one is accounted for (null before the first join)
//   ahead       numbers above `last` that came already, ascending
//   recent      numbered changes applied lately, oldest first: {number, event, payload, at}
//   snapshotAt  the server time of the newest snapshot applied: an older one never overwrites it

/** How long the numbered changes are kept, to be applied again on top of an older snapshot. */
export const RECENT_MS = 15000;
/** At most this many of them. */
export const RECENT_MAX = 2000;

/** Return a tracker that has seen nothing yet. */
export function createTracker() {
  return { last: null, ahead: [], recent: [], snapshotAt: -Infinity };
}

/** Return the change number a message counts for: its `seq`, or a `state`'s `workshop.seq`; null without. */
export function countedNumber(payload) {
  if (!payload) return null;
  const seq = typeof payload.seq === "number" ? payload.seq : payload.workshop?.seq;
  return typeof seq === "number" ? seq : null;
}

/** Return the change number a message reflects: `seq` (counted) or `order` (ordering only); null without. */
export function orderNumber(payload) {
  if (!payload) return null;
  if (typeof payload.seq === "number") return payload.seq;
  return typeof payload.order === "number" ? payload.order : null;
}

/** Whether a message stands for every change up to its number: a whole `state`, or `covers: true`. */
function isWhole(event, payload) {
  return event === "state" || payload.covers === true;
}

/** Return `t` with `last` moved over the numbers that came early, and those at or below it dropped. */
function advance(t, last, ahead) {
  const later = ahead.filter((seen) => seen > last).sort((a, b) => a - b);
  let next = last;
  while (later.length && later[0] === next + 1) next = later.shift();
  return { ...t, last: next, ahead: later };
}

/** Return `t` with every change up to `seq` accounted for (a snapshot, a `state`, a `covers`). */
export function accountFor(t, seq) {
  return advance(t, Math.max(t.last ?? 0, seq), t.ahead);
}

/**
 * What a message's number says, as {tracker, verdict}. `verdict` is:
 * "unnumbered" (no number, or nothing followed yet: the tracker is unchanged),
 * "whole" (a `state` or a `covers`: everything up to it is accounted for),
 * "old" (a number accounted for already: a repeat, or one overtaken by a snapshot),
 * "next" (the number after `last`, which closes up to whatever came early), or
 * "ahead" (a hole before it: it waits, and the hole counts until it fills; see hasGap).
 * The message itself is applied either way: handlers keep the newest of each thing.
 */
export function noteMessage(t, event, payload) {
  const seq = countedNumber(payload);
  if (seq === null || t.last === null) return { tracker: t, verdict: "unnumbered" };
  if (isWhole(event, payload)) return { tracker: accountFor(t, seq), verdict: "whole" };
  if (seq <= t.last) return { tracker: t, verdict: "old" };
  const verdict = seq === t.last + 1 ? "next" : "ahead";
  const ahead = t.ahead.includes(seq) ? t.ahead : [...t.ahead, seq];
  return { tracker: advance(t, t.last, ahead), verdict };
}

/** Whether numbers came after a hole that has not filled yet (if it stays, a message was missed). */
export function hasGap(t) {
  return t.ahead.length > 0;
}

/**
 * Return {tracker, fresh} for a snapshot (a `state`, or a join's): `fresh` is false
 * when one built later by the server's clock was applied already, and it must not
 * overwrite that one. A snapshot without a server time is always fresh.
 */
export function takeSnapshot(t, state) {
  const at = state && state.workshop ? state.workshop.server_time : null;
  if (typeof at !== "number") return { tracker: t, fresh: true };
  if (at < t.snapshotAt) return { tracker: t, fresh: false };
  return { tracker: { ...t, snapshotAt: at }, fresh: true };
}

/**
 * Return `t` keeping a change just applied, at `now` (ms), in case a snapshot built
 * before it arrives after it. Only numbered deltas are kept, for RECENT_MS and at most
 * RECENT_MAX of them: a `state` or a `covers` is a whole value, never applied again.
 */
export function remember(t, event, payload, now) {
  const number = orderNumber(payload);
  if (number === null || isWhole(event, payload)) return t;
  const recent = [...t.recent, { number, event, payload, at: now }];
  // Kept in arrival order: the old ones are at the front.
  let from = 0;
  while (recent.length - from > RECENT_MAX || now - recent[from].at > RECENT_MS) from += 1;
  return { ...t, recent: from ? recent.slice(from) : recent };
}

/**
 * Return the changes numbered after `seq` that were applied before a snapshot of
 * change `seq` arrived, to apply again on top of it: [{event, payload}], oldest number first.
 */
export function replayAfter(t, seq) {
  if (typeof seq !== "number") return [];
  return t.recent
    .filter((entry) => entry.number > seq)
    .sort((a, b) => a.number - b.number)
    .map(({ event, payload }) => ({ event, payload }));
}
