// The socket helper every audience uses: connect, join on every (re)connect,
// request/acknowledge with a timeout, a server-synchronised clock, countdowns,
// a connection indicator and screen-reader announcements.
//
// All text that reaches the page goes through textContent: answers, names and
// titles are typed by people and are never parsed as HTML.

import {
  accountFor,
  createTracker,
  hasGap,
  noteMessage,
  remember,
  replayAfter,
  takeSnapshot,
} from "./sequence-tracker.js";

const STATUS_TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  failed: "Not connected",
};

const DEFAULT_TIMEOUT_MS = 8000;
const JOIN_RETRY_MS = 3000;
// Messages sent from different server threads (or processes) can overtake one
// another: a missing change number gets this long to turn up before a resync.
const GAP_GRACE_MS = 1500;

/** Resolve after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Return the element with this id; fail loudly if a template lost it. */
export function byId(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Missing element #${id}`);
  return found;
}

/**
 * Build an element: el("li", {className: "card", text: answer.text, data: {answerId: 3}}, children).
 * Text is always set with textContent.
 */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  const { className, text, attrs, data } = options;
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  if (data) {
    for (const [name, value] of Object.entries(data)) node.dataset[name] = String(value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Set an element's text only when it changed, so live regions do not repeat themselves. */
export function setText(node, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (node.textContent !== value) node.textContent = value;
}

/** Show an error message next to the control that caused it. */
export function showError(node, message) {
  setText(node, message || "");
  node.hidden = !message;
}

export function clearError(node) {
  showError(node, "");
}

/** Return "n thing" or "n things". */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** Return the text in quotes, on one line, shortened to `max` characters with "…". */
export function quote(text, max = 60) {
  const chars = Array.from(String(text).replace(/\s+/g, " ").trim());
  return `“${chars.length > max ? `${chars.slice(0, max - 1).join("").trimEnd()}…` : chars.join("")}”`;
}

/** Return a new client key for an answer, so a retried send is stored once. */
export function newClientKey() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === "function") {
    return globalThis.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  if (globalThis.crypto && globalThis.crypto.getRandomValues) {
    globalThis.crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Make `container`'s children exactly `nodes`, in order. Nodes already in place
 * stay put (a focused button keeps its focus); the rest are moved in or removed.
 */
export function reconcile(container, nodes) {
  let cursor = container.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) {
      cursor = cursor.nextElementSibling;
      continue;
    }
    container.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}

/**
 * Give a button the focus back after it was switched off while busy: a disabled
 * button drops the keyboard focus on the page. Only when it had the focus and
 * nothing else took it since.
 */
export function restoreFocus(button, hadFocus) {
  if (!hadFocus || !button.isConnected || button.disabled || button.hidden) return;
  if (focusFree(button)) button.focus();
}

/** After an awaited change: whether focus is nowhere (the page, a removed node) or
 *  still on `node`, so moving it cannot pull the user back from where they went. */
export function focusFree(node) {
  const active = document.activeElement;
  return !active || active === document.body || active === node || !active.isConnected;
}

/**
 * Whether something that just arrived (a new question) may move the focus to `target`:
 * only when the person is not busy elsewhere. Busy is: the focus on another control
 * (typing in another field, say), text selected, or the page scrolled down to read.
 * Focus already on `target` stays; on another control of `within` (the form) it is free. A pure rule over
 * what the page says now: `view` is {active, selected, scrollY} (see pageView()).
 */
export function mayTakeFocus(target, within, view = pageView()) {
  const { active, selected, scrollY } = view;
  // Typing in it already (a phone's keyboard may have scrolled the page for it).
  if (active && active === target) return true;
  // Free: nothing focused, the page itself, a control that went away or out of view,
  // or one of the form's own (its Send button sits outside it, with form=).
  const free =
    !active ||
    active === document.body ||
    active.id === "main" ||
    !active.isConnected ||
    !isShown(active) ||
    Boolean(within && (within.contains(active) || active.form === within));
  if (!free || selected) return false;
  return scrollY <= 40;
}

/** What mayTakeFocus looks at: the focused element, any selected text, the scroll. */
export function pageView() {
  const selection = window.getSelection ? window.getSelection() : null;
  return {
    active: document.activeElement,
    selected: Boolean(selection && !selection.isCollapsed && selection.toString().trim()),
    scrollY: window.scrollY,
  };
}

function isShown(node) {
  if (typeof node.checkVisibility === "function") return node.checkVisibility();
  return node.getClientRects().length > 0;
}

/** True when a key press is meant for a text field, not for a page shortcut. */
export function isTyping(event) {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return Boolean(target.closest("input, textarea, select, [contenteditable]"));
}

// ---------------------------------------------------------------- announcements

const announceTimers = new Map();

/**
 * Say something to screen readers through one of the page's polite live regions:
 * #announcer for most things, #timer-announcer for the countdown (so a milestone
 * never cuts off, or is cut off by, another message).
 */
export function announce(message, regionId = "announcer") {
  const region = document.getElementById(regionId);
  if (!region || !message) return;
  // Clearing first makes a repeated message be read again.
  region.textContent = "";
  clearTimeout(announceTimers.get(regionId));
  announceTimers.set(
    regionId,
    setTimeout(() => {
      region.textContent = message;
    }, 60),
  );
}

/** Say something about the countdown, in the timer's own live region. */
export function announceTimer(message) {
  announce(message, document.getElementById("timer-announcer") ? "timer-announcer" : "announcer");
}

// ---------------------------------------------------------------- clock and timers

/** The server's clock, as seen from this device: offset = server_time - Date.now(). */
export class Clock {
  constructor() {
    this.offset = 0;
  }

  sync(serverTime) {
    if (typeof serverTime === "number" && Number.isFinite(serverTime)) {
      this.offset = serverTime - Date.now();
    }
  }

  now() {
    return Date.now() + this.offset;
  }

  /** Milliseconds until a server-clock moment (negative once it passed). */
  until(serverMoment) {
    return serverMoment - this.now();
  }
}

/** Format milliseconds left as m:ss (rounded up, so 0:00 means the time is up). */
export function formatClock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

/** Words for a screen reader: "2 minutes", "1 minute 30 seconds", "10 seconds". */
export function spokenDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  const parts = [];
  if (minutes) parts.push(plural(minutes, "minute"));
  if (rest || !minutes) parts.push(plural(rest, "second"));
  return parts.join(" ");
}

/** What to say when a countdown is first seen: its length when it just started, else what is left. */
export function timerStartWords({ seconds, left }) {
  if (typeof seconds === "number" && left >= seconds - 2) return `Timer started: ${spokenDuration(seconds)}.`;
  return `Timer running: ${spokenDuration(left)} left.`;
}

const MILESTONES = [60, 30, 10];
const ENDING_MS = 10000;

/**
 * How a countdown shows, from its milliseconds left (null: no timer):
 * "idle", "done" (time is up), "ending" (the last 10 seconds) or "running".
 * Given the workshop, a countdown still running after the facilitator closed
 * answering by hand is "idle": it means nothing then.
 */
export function countdownState(left, workshop = null) {
  const closedByHand = Boolean(workshop && !workshop.answering_open);
  if (left === null || (left > 0 && closedByHand)) return "idle";
  if (left <= 0) return "done";
  return left <= ENDING_MS ? "ending" : "running";
}

/**
 * A countdown to a server `Timer` ({ends_at, seconds}) or null.
 *
 * onTick(msLeft | null) runs about four times a second (null: no timer);
 * onStart({seconds, left}) runs once when a timer that is still running is
 * first followed (seconds: its length, left: whole seconds left);
 * onMilestone(secondsLeft) runs once at 1 minute, 30 and 10 seconds left;
 * onEnd() runs once when the time is up;
 * onStop() runs when a running timer goes away before its end.
 * None of them runs every second: they are what a screen reader should hear.
 */
export function createCountdown(clock, { onTick, onStart, onMilestone, onEnd, onStop } = {}) {
  let interval = null;
  let endsAt = null;
  let finished = false;
  let passed = new Set();

  function stopInterval() {
    if (interval !== null) clearInterval(interval);
    interval = null;
  }

  function tick() {
    if (endsAt === null) return;
    const left = clock.until(endsAt);
    if (left <= 0) {
      stopInterval();
      if (onTick) onTick(0);
      if (!finished) {
        finished = true;
        if (onEnd) onEnd();
      }
      return;
    }
    const secondsLeft = Math.ceil(left / 1000);
    for (const mark of MILESTONES) {
      if (secondsLeft <= mark && !passed.has(mark)) {
        passed.add(mark);
        // Only announce the mark we are actually at, not ones skipped on start.
        if (secondsLeft > mark - 2 && onMilestone) onMilestone(mark);
      }
    }
    if (onTick) onTick(left);
  }

  return {
    /** Follow a new timer (or none); the same timer again changes nothing. */
    set(timer) {
      const next = timer && typeof timer.ends_at === "number" ? timer.ends_at : null;
      if (next === endsAt) {
        if (!finished) tick();
        return;
      }
      stopInterval();
      const wasRunning = endsAt !== null && !finished && clock.until(endsAt) > 0;
      endsAt = next;
      finished = false;
      passed = new Set();
      if (endsAt === null) {
        if (onTick) onTick(null);
        if (wasRunning && onStop) onStop();
        return;
      }
      // Milestones already behind us when the timer is first seen stay quiet.
      const secondsLeft = Math.ceil(clock.until(endsAt) / 1000);
      for (const mark of MILESTONES) if (secondsLeft <= mark) passed.add(mark);
      if (clock.until(endsAt) <= 0) finished = true;
      else if (onStart) onStart({ seconds: timer.seconds, left: secondsLeft });
      tick();
      interval = setInterval(tick, 250);
    },
    /** Milliseconds left, 0 once the time is up, or null without a timer. */
    left() {
      return endsAt === null ? null : Math.max(0, clock.until(endsAt));
    },
    expired() {
      return endsAt !== null && clock.until(endsAt) <= 0;
    },
  };
}

// ---------------------------------------------------------------- the connection

function failure(code, message) {
  return { ok: false, error: { code, message } };
}

/**
 * How long to wait before sending again after `error`, on the `attempt`th refusal
 * in a row (1, 2, ...): the server's `retry_after` (seconds) when it gives one,
 * else a doubling wait from 1 s up to 15 s. `random` spreads a room's retries so
 * that phones refused together do not all come back in the same instant.
 */
export function retryDelay(error, attempt, random = Math.random) {
  const after = error && error.details && Number(error.details.retry_after);
  if (after > 0) return Math.ceil(after * 1000 * (1 + random() * 0.2));
  const base = Math.min(15000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Codes after which the same request may succeed later: kept and sent again. */
export const RETRYABLE = new Set(["offline", "timeout", "server_error", "rate_limited", "unavailable"]);

const OFFLINE = () =>
  failure("offline", "You are not connected right now. Wait for the connection to come back.");
const TIMEOUT = () =>
  failure("timeout", "The server did not answer in time. Check the connection and try again.");

/**
 * Connect to the server and stay joined.
 *
 * joinEvent/joinPayload: the audience's join, sent on every connect, on every
 * reconnect and when the page becomes visible again. joinPayload may be a
 * function, asked each time; while it returns null there is nobody to join as
 * (a phone still on its join form), and the socket just stays connected.
 * onJoined(ack): called with each successful join acknowledgement (a snapshot).
 * onJoinFailed(error): the server refused the join ({code, message}); when the
 * payload is null afterwards, the page took it back and the socket stays up.
 * onStatus(state): "connecting" | "connected" | "reconnecting" | "offline" | "failed".
 */
export function connectLive({ joinEvent, joinPayload, onJoined, onJoinFailed, onStatus }) {
  const clock = new Clock();
  const pill = document.getElementById("connection-status");
  const pillText = document.getElementById("connection-status-text");
  let status = "connecting";
  let joined = false;
  let joinSeq = 0;
  let appliedSeq = 0;
  let retryTimer = null;
  // Refused joins in a row, for the growing wait between tries.
  let joinRefusals = 0;
  // The workshop's change numbers (sequence-tracker.js). A hole that stays open for
  // GAP_GRACE_MS means a message was missed, so resync.
  let tracker = createTracker();
  let gapTimer = null;
  let resyncs = 0;
  // Events that arrive while a join is in flight are replayed after its snapshot.
  let early = [];
  // Callers waiting for the next successful join (whenJoined).
  let waiting = [];
  const handlers = new Map();

  /** Whether a snapshot is no older than the newest applied (and, if so, it now is that). */
  function fresh(state) {
    const taken = takeSnapshot(tracker, state);
    tracker = taken.tracker;
    return taken.fresh;
  }

  function dispatch(event, payload) {
    const handler = handlers.get(event);
    if (handler) handler(payload);
  }

  /** Apply a change and keep it a while, in case an older snapshot overtakes it. */
  function apply(event, payload) {
    dispatch(event, payload);
    tracker = remember(tracker, event, payload, Date.now());
  }

  /** A snapshot of change `seq` was just applied: changes after it, applied before it
   *  arrived, are applied again on top, oldest first (handlers keep the newest). */
  function reapplySince(seq) {
    for (const { event, payload } of replayAfter(tracker, seq)) dispatch(event, payload);
  }

  function setStatus(next) {
    if (next === status && pill && pill.dataset.state === next) return;
    status = next;
    if (pill) pill.dataset.state = next;
    if (pillText) setText(pillText, STATUS_TEXT[next] || next);
    document.body.dataset.connection = next;
    if (onStatus) onStatus(next);
  }

  if (typeof globalThis.io !== "function") {
    // Said once the page's own script has finished setting itself up.
    setTimeout(() => {
      setStatus("failed");
      if (onJoinFailed) {
        onJoinFailed({ code: "client_missing", message: "The live connection could not load. Reload the page." });
      }
    });
    return {
      clock,
      socket: null,
      on() {},
      request: async () => OFFLINE(),
      isJoined: () => false,
      whenJoined: async () => false,
      join() {},
      resync() {},
    };
  }

  const socket = globalThis.io({ reconnectionDelayMax: 5000 });

  function emitWithTimeout(event, payload, timeout) {
    return new Promise((resolve) => {
      socket.timeout(timeout).emit(event, payload, (err, ack) => {
        if (err) resolve(TIMEOUT());
        else if (!ack || typeof ack !== "object") resolve(failure("server_error", "Something went wrong; try again."));
        else resolve(ack);
      });
    });
  }

  /** Send an event once joined and resolve with its acknowledgement (never rejects). */
  function request(event, payload = {}, { timeout = DEFAULT_TIMEOUT_MS } = {}) {
    // Not queued while offline: a facilitator's click must not replay minutes later.
    if (!socket.connected || !joined) return Promise.resolve(OFFLINE());
    return emitWithTimeout(event, payload, timeout);
  }

  const payloadNow = () => (typeof joinPayload === "function" ? joinPayload() : joinPayload);

  async function join() {
    if (!socket.connected) return;
    clearTimeout(retryTimer);
    const payload = payloadNow();
    if (payload === null) {
      setStatus("connected");
      return;
    }
    const seq = ++joinSeq;
    const ack = await emitWithTimeout(joinEvent, payload, 10000);
    if (seq < appliedSeq) return;
    if (ack.ok) {
      appliedSeq = seq;
      if (ack.state && ack.state.workshop) {
        clock.sync(ack.state.workshop.server_time);
        follow(accountFor(tracker, ack.state.workshop.seq ?? 0));
      }
      joined = true;
      joinRefusals = 0;
      setStatus("connected");
      // A `state` newer than this snapshot may already have arrived; it wins.
      ack.stale = ack.state ? !fresh(ack.state) : false;
      if (onJoined) onJoined(ack);
      const waiters = waiting;
      waiting = [];
      for (const wake of waiters) wake(true);
      if (ack.state && ack.state.workshop) reapplySince(ack.state.workshop.seq);
      const replay = early;
      early = [];
      for (const [event, payload] of replay) apply(event, payload);
      return;
    }
    if (ack.error.code === "timeout" || ack.error.code === "server_error") {
      // A slow or failed join is tried again while the socket stays up.
      retryTimer = setTimeout(join, JOIN_RETRY_MS);
      return;
    }
    // The database is away, or a phone that is in already resynced too often: it will
    // pass later. (A first join that is refused is the join form's to show.)
    if (ack.error.code === "unavailable" || (ack.error.code === "rate_limited" && appliedSeq > 0)) {
      joinRefusals += 1;
      retryTimer = setTimeout(join, Math.max(JOIN_RETRY_MS, retryDelay(ack.error, joinRefusals)));
      return;
    }
    joined = false;
    if (onJoinFailed) onJoinFailed(ack.error);
    setStatus(payloadNow() === null ? "connected" : "failed");
  }

  /** Take the tracker's next state; keep a timer while a hole stays open, none once it filled. */
  function follow(next) {
    tracker = next;
    if (!hasGap(tracker)) {
      clearTimeout(gapTimer);
      gapTimer = null;
    } else if (gapTimer === null) {
      gapTimer = setTimeout(gapStayed, GAP_GRACE_MS);
    }
  }

  /** The hole did not fill in time: a message was missed, so take a snapshot. */
  function gapStayed() {
    gapTimer = null;
    if (!hasGap(tracker) || !joined) return;
    resyncs += 1;
    document.body.dataset.resyncs = String(resyncs);
    join();
  }

  /** Follow a message's change number (only once joined: the join's snapshot starts the count). */
  function noteSeq(event, payload) {
    if (!joined) return;
    const { tracker: next, verdict } = noteMessage(tracker, event, payload);
    if (verdict !== "unnumbered" && verdict !== "old") follow(next);
  }

  socket.on("connect", () => {
    joined = false;
    early = [];
    join();
  });

  socket.on("disconnect", (reason) => {
    joined = false;
    setStatus(navigator.onLine === false ? "offline" : "reconnecting");
    // The server closed the socket on purpose; come back anyway, the join decides.
    if (reason === "io server disconnect") socket.connect();
  });

  socket.on("connect_error", () => {
    if (status === "failed") return;
    setStatus(navigator.onLine === false ? "offline" : "reconnecting");
    if (!socket.active) setTimeout(() => socket.connect(), JOIN_RETRY_MS);
  });

  socket.io.on("reconnect_attempt", () => {
    if (status !== "failed") setStatus(navigator.onLine === false ? "offline" : "reconnecting");
  });

  window.addEventListener("offline", () => {
    if (!socket.connected) setStatus("offline");
  });

  window.addEventListener("online", () => {
    if (!socket.connected) {
      setStatus("reconnecting");
      socket.connect();
    }
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    // A phone that slept may have missed events: take a fresh snapshot.
    if (socket.connected) join();
    else if (!socket.active) socket.connect();
  });

  return {
    clock,
    socket,
    /**
     * Listen to a server event. A `state` older than the last snapshot is
     * dropped and keeps the clock in step; deltas that arrive before the join's
     * snapshot are held and replayed after it (handlers deduplicate by id).
     */
    on(event, handler) {
      if (event === "state") {
        handlers.set(event, (state) => {
          if (!fresh(state)) return;
          clock.sync(state.workshop.server_time);
          handler(state);
          reapplySince(state.workshop.seq);
        });
      } else {
        handlers.set(event, handler);
      }
      socket.on(event, (payload) => {
        if (!joined && event !== "state") {
          early.push([event, payload]);
          return;
        }
        apply(event, payload);
        noteSeq(event, payload);
      });
    },
    request,
    isJoined: () => joined && socket.connected,
    /** Resolve true once joined (at once if joined now), or false after `ms`. */
    whenJoined(ms) {
      if (joined && socket.connected) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = (ok) => {
          clearTimeout(timer);
          waiting = waiting.filter((w) => w !== wake);
          resolve(ok);
        };
        const timer = setTimeout(() => wake(false), ms);
        waiting.push(wake);
      });
    },
    /** Join now (or as soon as the socket connects), with what joinPayload gives. */
    join,
    resync: join,
  };
}

// ---------------------------------------------------------------- icons

const SVG_NS = "http://www.w3.org/2000/svg";

// Stroke paths on a 20x20 grid. Every icon sits next to a word: none carries meaning alone.
const ICONS = {
  agree: ["M10 2.75a7.25 7.25 0 1 0 0 14.5a7.25 7.25 0 1 0 0-14.5", "M6.6 10.3l2.4 2.4 4.4-4.9"],
  concern: ["M10 2.9l7.6 13.3H2.4z", "M10 8v3.6", "M10 13.9v.2"],
  pin: ["M7.5 2.5h5l-.9 5.2 2.9 2.8h-9l2.9-2.8z", "M10 10.5v7"],
  check: ["M4.5 10.5l3.5 3.5 7.5-8"],
  merge: ["M5 3v3.5c0 2.7 5 3.2 5 6.5v4", "M15 3v3.5c0 2.7-5 3.2-5 6.5", "M7.5 15l2.5 2.5 2.5-2.5"],
  split: ["M10 3v4.5c0 2.8-5 3-5 6.5v3", "M10 7.5c0 2.8 5 3 5 6.5v3", "M7.5 5.5L10 3l2.5 2.5"],
  close: ["M5 5l10 10", "M15 5L5 15"],
  external: ["M11 3h6v6", "M17 3l-8 8", "M8 5H4v11h11v-4"],
};

/** An inline SVG icon, hidden from screen readers (the words next to it say it). */
export function icon(name, className = "icon") {
  return strokeIcon(ICONS[name] || [], className);
}

/** An inline SVG of these stroke paths on the 20x20 grid, hidden from screen readers. */
export function strokeIcon(paths, className = "icon", strokeWidth = "1.9") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", className);
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", strokeWidth);
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
  }
  return svg;
}

/**
 * A tally of agree / concern reactions: an icon, a number and a word for each,
 * so it reads the same without colour. update({agree, concern}) sets it.
 */
export function createTally(className = "tally") {
  const agree = el("span", { className: "tally-n" });
  const agreeWord = el("span", { className: "tally-word" });
  const concern = el("span", { className: "tally-n" });
  const concernWord = el("span", { className: "tally-word" });
  // Real spaces between the parts, so the text reads "2 agree, 1 concern" anywhere.
  const node = el("p", { className }, [
    el("span", { className: "tally-item tally-agree" }, [icon("agree", "tally-icon"), agree, " ", agreeWord]),
    el("span", { className: "visually-hidden", text: ", " }),
    el("span", { className: "tally-item tally-concern" }, [icon("concern", "tally-icon"), concern, " ", concernWord]),
  ]);
  function update(reactions) {
    const a = (reactions && reactions.agree) || 0;
    const c = (reactions && reactions.concern) || 0;
    setText(agree, String(a));
    setText(agreeWord, "agree");
    setText(concern, String(c));
    setText(concernWord, c === 1 ? "concern" : "concerns");
    node.dataset.agree = String(a);
    node.dataset.concern = String(c);
  }
  update(null);
  return { node, update };
}

/** A date and time from epoch milliseconds, short and in the reader's own format. */
export function shortDateTime(ms) {
  try {
    return new Date(ms).toLocaleString(undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  } catch {
    return new Date(ms).toISOString();
  }
}

/**
 * Announce things that change often at a calm pace: names collected during
 * `ms` are said together once ("Vision and Motivation updated.").
 */
export function createCalmAnnouncer(format, ms = 4000) {
  const queued = [];
  let timer = null;
  let last = 0;
  function say() {
    timer = null;
    last = Date.now();
    const names = queued.splice(0);
    if (names.length) announce(format(names));
  }
  return function push(name) {
    if (!queued.includes(name)) queued.push(name);
    if (timer) return;
    const wait = Math.max(600, ms - (Date.now() - last));
    timer = setTimeout(say, wait);
  };
}

/** "A", "A and B", "A, B and C". */
export function listWords(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------- the canvas, as people see it

const PURPOSE_WORDS = { viability: "Viability", momentum: "Momentum", both: "Viability and momentum" };
const PURPOSE_LINES = {
  viability: "We cannot get there without partners.",
  momentum: "Partners make our work last and spread.",
  both: "We need partners to get there, and to make it last.",
};

/**
 * Paint a canvas field's strategic purpose (a word and a line) and its values
 * lists, where its card has them (parts.purpose, parts.purposeLine, and
 * parts.facets: facet -> { list, none }). Each value is an <li> of valueClass.
 */
export function paintPurposeAndValues(parts, f, valueClass) {
  if (parts.purpose) {
    setText(parts.purpose, f.purpose ? PURPOSE_WORDS[f.purpose] : "Not decided yet");
    setText(parts.purposeLine, f.purpose ? PURPOSE_LINES[f.purpose] : "Viability or momentum?");
    parts.purpose.dataset.purpose = f.purpose || "";
  }
  if (parts.facets) {
    for (const [facet, { list, none }] of Object.entries(parts.facets)) {
      const items = (f.values && f.values[facet]) || [];
      list.replaceChildren(...items.map((text) => el("li", { className: valueClass, text, attrs: { dir: "auto" } })));
      none.hidden = items.length > 0;
    }
  }
}
