// A participant's phone: the lobby, one question at a time, and the person's
// own answers with their status; in the synthesis, the canvas as it is
// written, with an Agree and a Concern toggle per part. Nobody else's answers
// ever reach a phone.
//
// Every answer carries a client key. It waits in localStorage until the server
// acknowledges it, so an answer typed in a dead spot is sent when the
// connection returns, and a retry is stored once (the outbox: outbox.js).
//
// While the facilitator runs a dot vote, it shows above the rest (or instead of
// the lobby). A phone's dots (vote-budget.js) are sent whole, a moment after the
// last tap, and kept in localStorage until acknowledged, like the answers.

import {
  announce,
  announceTimer,
  byId,
  clearError,
  connectLive,
  countdownState,
  createCalmAnnouncer,
  createCountdown,
  el,
  formatClock,
  icon,
  listWords,
  mayTakeFocus,
  newClientKey,
  pageView,
  paintPurposeAndValues,
  plural,
  quote,
  reconcile,
  retryDelay,
  RETRYABLE,
  setText,
  showError,
  spokenDuration,
  strokeIcon,
  timerStartWords,
} from "./live.js";
import {
  createOutbox,
  dismissRefused,
  entryStatus,
  hasWaiting,
  markSending,
  maySend,
  nextToSend,
  queueAnswer,
  reloaded,
  retryRefused,
  sendLine,
  settleSend,
  shownEntries,
  stored,
  submitPayload,
  withoutStored,
} from "./outbox.js";
import { phoneEntry } from "./phone-join.js";
import {
  addDot,
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
} from "./vote-budget.js";

const body = document.body;
const workshopId = Number(body.dataset.workshopId);
// Known from the cookie, or once the join comes back.
let personId = Number(body.dataset.personId) || null;
const MAX = Number(body.dataset.answerMax) || 1000;
const RETRY_MS = 5000;

const ui = {
  main: byId("main"),
  join: byId("phone-join"),
  connecting: byId("phone-connecting"),
  lobby: byId("phone-lobby"),
  question: byId("phone-question"),
  ended: byId("phone-ended"),
  error: byId("phone-error"),
  errorText: byId("phone-error-text"),
  meName: byId("me-name"),
  section: byId("q-section"),
  number: byId("q-number"),
  prompt: byId("q-prompt"),
  hint: byId("q-hint"),
  timer: byId("phone-timer"),
  timerText: byId("phone-timer-text"),
  closed: byId("closed-notice"),
  closedTitle: byId("closed-title"),
  closedText: byId("closed-text"),
  form: byId("answer-form"),
  text: byId("answer-text"),
  counter: byId("answer-counter"),
  answerError: byId("answer-error"),
  send: byId("send-answer"),
  sendLabel: byId("send-label"),
  list: byId("my-answers"),
  listEmpty: byId("my-answers-empty"),
  listCount: byId("my-answers-count"),
  listTitle: byId("my-answers-title"),
  sendStatus: byId("send-status"),
  synthesis: byId("phone-synthesis"),
  synthesisTitle: byId("synthesis-title"),
  canvasList: byId("canvas-list"),
  vote: byId("phone-vote"),
  voteTitle: byId("vote-title"),
  voteOpen: byId("vote-open"),
  voteHelp: byId("vote-help"),
  voteBudget: byId("vote-budget"),
  voteBudgetDots: byId("vote-budget-dots"),
  voteLeft: byId("vote-left"),
  voteItems: byId("vote-items"),
  voteStatus: byId("vote-status"),
  voteClosed: byId("vote-closed"),
  voteClosedText: byId("vote-closed-text"),
};

// ------------------------------------------------------------------ storage

const prefix = () => `workshop:${workshopId}:p${personId}`;

function load(key, fallback) {
  if (!personId) return fallback;
  try {
    const raw = window.localStorage.getItem(`${prefix()}:${key}`);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

function store(key, value) {
  if (!personId) return;
  try {
    if (value === null) window.localStorage.removeItem(`${prefix()}:${key}`);
    else window.localStorage.setItem(`${prefix()}:${key}`, JSON.stringify(value));
  } catch {
    // Private mode or a full disk: the page still works, only without the safety net.
  }
}

// ------------------------------------------------------------------ the model

const model = {
  workshop: null,
  question: null,
  me: null,
  // OwnAnswer by id, as the server stored them.
  saved: new Map(),
  // The answers typed here that the server has not stored yet (outbox.js), and those it refused.
  outbox: createOutbox(load("outbox", [])),
  // Per saved answer: {mode: "edit" | "confirm-delete", draft, busy, error}.
  local: new Map(),
  // The canvas in the synthesis, and this person's reaction per field.
  canvas: null,
  reactions: new Map(),
};

let accepting = false;
let questionShown = null;

function saveOutbox() {
  store("outbox", stored(model.outbox));
}

// ------------------------------------------------------------------ connection

const entry = phoneEntry({
  workshopId,
  body,
  connected: () => Boolean(live.socket && live.socket.connected),
  send: () => live.join(),
});

const live = connectLive({
  joinEvent: "phone:join",
  joinPayload: () => entry.payload(),
  onJoined(ack) {
    const fromForm = entry.accepted(ack);
    if (ack.me.id !== personId) {
      personId = ack.me.id;
      model.outbox = reloaded(model.outbox, load("outbox", []));
    }
    model.me = ack.me;
    model.saved = new Map((ack.answers || []).map((a) => [a.id, a]));
    // Reactions being sent keep what the person just tapped.
    const sending = new Map(Array.from(reacting.keys()).map((key) => [key, model.reactions.get(key) || null]));
    model.reactions = new Map(Object.entries(ack.reactions || {}));
    for (const [key, kind] of sending) {
      if (kind) model.reactions.set(key, kind);
      else model.reactions.delete(key);
    }
    // Anything the server already has (an ack lost on the way) leaves the outbox.
    model.outbox = withoutStored(model.outbox, ack.answers);
    saveOutbox();
    ui.error.hidden = true;
    joinVote(ack);
    if (!ack.stale) applyState(ack.state);
    else render();
    if (fromForm) {
      // The form is gone: the person lands in the answer box when a question is open,
      // else at the top of what the page now shows.
      if (document.activeElement !== ui.text) ui.main.focus();
      announce(`You have joined as ${ack.me.name}.`);
    }
    flush();
    sendDots();
  },
  onJoinFailed(error) {
    if (entry.refused(error)) return;
    showRefusal(error);
  },
  onStatus: () => {
    renderAnswers();
    renderVoteStatus();
  },
});

function showRefusal(error) {
  body.dataset.view = "error";
  for (const section of [ui.join, ui.connecting, ui.lobby, ui.question, ui.ended, ui.synthesis, ui.vote]) {
    section.hidden = true;
  }
  ui.error.hidden = false;
  setText(ui.errorText, error.message);
}

// The facilitator removed this person. Every server process relays this, while only the
// one that removed them closes its own sockets: the page closes its connection itself.
live.on("removed", (error) => {
  if (live.socket) live.socket.disconnect();
  showRefusal(error);
});

// What the countdown says, in its own live region: when it starts, at 1 minute,
// 30 and 10 seconds, and when the time is up. Never each second.
const countdown = createCountdown(live.clock, {
  onTick: renderTimer,
  onStart: (timer) => announceTimer(timerStartWords(timer)),
  onMilestone: (seconds) => announceTimer(`${spokenDuration(seconds)} left.`),
  onEnd: () => {
    if (accepting) announceTimer("Time's up. Answering is closed.");
    render();
  },
  onStop: () => {
    const q = currentQuestion();
    if (q && q.id === questionShown) announceTimer("Timer stopped.");
  },
});

live.on("state", applyState);

live.on("my_answer", (answer) => {
  const known = model.saved.get(answer.id);
  if (known && answer.updated_at < known.updated_at) return;
  model.saved.set(answer.id, answer);
  if (answer.client_key) {
    model.outbox = withoutStored(model.outbox, [answer]);
    saveOutbox();
  }
  renderAnswers();
});

live.on("canvas_field", ({ field }) => {
  if (!field || !model.canvas) return;
  const index = model.canvas.fields.findIndex((f) => f.key === field.key);
  if (index < 0) return;
  const known = model.canvas.fields[index];
  if (field.version < known.version) return;
  const changed = contentOf(known) !== contentOf(field);
  model.canvas.fields[index] = field;
  renderCanvas();
  if (changed) {
    markUpdated(field.key);
    sayUpdated(field.label);
  }
});

live.on("my_answer_removed", ({ id }) => {
  model.saved.delete(id);
  model.local.delete(id);
  renderAnswers();
});

function applyState(state) {
  if (!state || state.audience !== "phone") return;
  model.workshop = state.workshop;
  model.question = state.question;
  model.canvas = state.canvas || null;
  followVoteState(state.vote || null);
  render();
}

// ------------------------------------------------------------------ rendering

function currentQuestion() {
  const w = model.workshop;
  return w && w.phase === "questions" ? model.question : null;
}

function render() {
  const w = model.workshop;
  if (!w) return;
  const q = currentQuestion();
  const voteShown = Boolean(voting.vote && voting.budget) && w.phase !== "ended";
  let view = w.phase === "ended" ? "ended" : q ? "question" : w.phase === "synthesis" && model.canvas ? "synthesis" : "lobby";
  // A vote takes the lobby's place; above a question or the canvas, it comes first.
  if (view === "lobby" && voteShown) view = "vote";
  const wasView = body.dataset.view;
  body.dataset.view = view;
  ui.join.hidden = true;
  ui.connecting.hidden = true;
  ui.error.hidden = true;
  ui.lobby.hidden = view !== "lobby";
  ui.question.hidden = view !== "question";
  ui.ended.hidden = view !== "ended";
  ui.synthesis.hidden = view !== "synthesis";
  ui.vote.hidden = !voteShown;
  renderVote();
  if (view === "synthesis") {
    renderCanvas();
    if (wasView !== "synthesis" && wasView !== "connecting") {
      window.scrollTo({ top: 0 });
      announce("The facilitator is building the strategy canvas. Agree, or raise a concern, on each part.");
    }
  }
  if (model.me) setText(ui.meName, model.me.name);

  countdown.set(q ? w.timer : null);
  const wasAccepting = accepting;
  accepting = Boolean(q && w.accepting && !countdown.expired());

  let takeFocus = false;
  if (q && questionShown !== q.id) {
    const first = questionShown === null;
    // Looked at before the page changes: was the person busy somewhere else?
    const before = pageView();
    questionShown = q.id;
    setText(ui.section, q.section_label);
    setText(ui.number, `Question ${q.number} of ${q.total}`);
    setText(ui.prompt, q.prompt);
    setText(ui.hint, q.hint);
    ui.hint.hidden = !q.hint;
    // Said from #announcer, which was on the page all along: a heading that only just
    // appeared is not reliably read out.
    announce(`Question ${q.number} of ${q.total}: ${q.prompt}`);
    model.local.clear();
    ui.text.value = load(`draft:${q.id}`, "") || "";
    clearError(ui.answerError);
    updateCounter();
    if (!first) window.scrollTo({ top: 0 });
    // Ready to type at once (a join by link is name, Join, type, Send), unless the
    // person was typing, selecting or reading elsewhere: then the focus stays theirs.
    takeFocus = accepting && mayTakeFocus(ui.text, ui.form, before);
  } else if (!q) {
    questionShown = null;
  } else if (wasAccepting !== accepting && !(countdown.expired() && !accepting)) {
    // (When the time ran out, the timer's region has said so already.)
    announce(accepting ? "Answering is open." : "Answering is closed.");
  }
  // Edits and deletions are only possible while answering is open.
  if (!accepting) model.local.clear();
  if (view === "ended" && ui.ended.dataset.announced !== "yes") {
    ui.ended.dataset.announced = "yes";
    announce("The workshop has ended. Thank you for taking part.");
  }

  renderTimer(countdown.left());
  renderClosed();
  renderAnswers();
  // After renderClosed, which enables the box.
  if (takeFocus) ui.text.focus({ preventScroll: true });
}

function renderClosed() {
  const w = model.workshop;
  const q = currentQuestion();
  if (!q) return;
  const timeUp = Boolean(w.timer && countdown.expired());
  ui.closed.hidden = accepting;
  setText(ui.closedTitle, timeUp ? "Time's up" : "Answering is closed");
  setText(
    ui.closedText,
    timeUp
      ? "Answering is closed for this question. Look up to the big screen."
      : "You can't send answers right now. The facilitator may open it again; your answers are saved.",
  );
  ui.text.disabled = !accepting;
  ui.send.disabled = !accepting;
  ui.question.dataset.accepting = String(accepting);
  setText(ui.sendLabel, accepting ? "Send answer" : "Answering closed");
}

function renderTimer(left) {
  const state = countdownState(left, model.workshop);
  ui.timer.hidden = state === "idle";
  ui.timer.dataset.state = state;
  if (state === "idle") return;
  setText(ui.timerText, state === "done" ? "Time's up" : `${formatClock(left)} left`);
}

function length(text) {
  return Array.from(text).length;
}

function updateCounter() {
  const n = length(ui.text.value);
  ui.counter.dataset.state = n > MAX ? "over" : n > MAX * 0.9 ? "near" : "ok";
  setText(ui.counter, n > MAX ? `${n} / ${MAX} · ${n - MAX} too many` : `${n} / ${MAX}`);
}

/** Return a person-readable problem with this text, or null when it can be sent. */
function problemWith(text) {
  if (!text.trim()) return "Write something first.";
  const n = length(text.trim());
  if (n > MAX) return `Your answer is ${plural(n - MAX, "character")} too long (the limit is ${MAX}).`;
  return null;
}

// -------------------------------------------------------------- own answers

/** Everything to show for the current question, newest first. */
function entries() {
  const q = currentQuestion();
  return shownEntries(model.outbox, model.saved.values(), q ? q.id : null);
}

const items = new Map();

function renderAnswers() {
  const list = entries();
  const nodes = list.map((entry) => {
    let item = items.get(entry.key);
    if (!item) {
      item = el("li", { className: "my-answer" });
      items.set(entry.key, item);
    }
    renderItem(item, entry);
    return item;
  });
  const keep = new Set(list.map((e) => e.key));
  for (const key of Array.from(items.keys())) if (!keep.has(key)) items.delete(key);
  reconcile(ui.list, nodes);
  const savedCount = list.filter((e) => e.answer).length;
  setText(ui.listCount, String(savedCount));
  ui.listEmpty.hidden = list.length > 0;
  renderSendStatus();
}

let lastSavedAt = 0;

/** A line under the send button, so the outcome of a send is visible where the thumb is. */
function renderSendStatus() {
  const { state, text } = sendLine(model.outbox, { joined: live.isJoined(), savedLately: Date.now() - lastSavedAt < 2500 });
  ui.sendStatus.dataset.state = state;
  setText(ui.sendStatus, text);
}

function statusOf(entry) {
  const local = entry.answer ? model.local.get(entry.answer.id) : null;
  return entryStatus(model.outbox, entry, { joined: live.isJoined(), busy: local && local.busy });
}

function renderItem(item, entry) {
  const answer = entry.answer;
  const local = answer ? model.local.get(answer.id) : null;
  const mode = local && local.mode ? local.mode : "view";
  const status = statusOf(entry);
  const text = answer ? answer.text : (entry.pending || entry.refused).text;
  // Rebuilt only when its controls change; an edit box keeps its focus and caret.
  const signature = mode === "view" ? `view|${status.state}|${accepting}` : mode;

  item.dataset.status = status.state;
  item.dataset.edited = String(Boolean(answer && answer.edited));
  if (answer) {
    item.dataset.answerId = String(answer.id);
    if (answer.client_key) item.dataset.clientKey = answer.client_key;
  } else {
    item.dataset.clientKey = (entry.pending || entry.refused).client_key;
    delete item.dataset.answerId;
  }

  if (item.dataset.signature !== signature || !item.parts) {
    item.dataset.signature = signature;
    buildItem(item, entry, mode, status);
  }
  const { textNode, statusText, statusLine, edited, buttons } = item.parts;
  if (textNode) setText(textNode, text);
  setText(statusText, status.text);
  edited.hidden = !(answer && answer.edited);
  if (statusLine.dataset.state !== status.state) {
    statusLine.dataset.state = status.state;
    statusLine.firstChild.replaceWith(statusIcon(status.state));
  }
  for (const button of buttons) button.disabled = Boolean(local && local.busy);
  if (item.parts.error) showError(item.parts.error, local && local.error ? local.error : "");
}

function statusIcon(state) {
  const paths = {
    saved: "M5 10.5l3 3 7-7",
    sending: "M10 3a7 7 0 1 0 7 7",
    waiting: "M10 3a7 7 0 1 1 0 14a7 7 0 1 1 0-14M10 6.5v3.5l2.5 1.5",
    error: "M10 5v6M10 14.5v.5",
  };
  return strokeIcon([paths[state] || paths.waiting], "status-icon", "2.2");
}

function buildItem(item, entry, mode, status) {
  const answer = entry.answer;
  const statusText = el("span", { className: "my-answer-status-text" });
  // Quiet, and in words: this answer was changed after it was sent.
  const edited = el("span", { className: "edited-mark", text: "(edited)" });
  const statusLine = el("p", { className: "my-answer-status", data: { state: status.state } }, [
    statusIcon(status.state),
    statusText,
    edited,
  ]);
  const parts = { statusText, statusLine, edited, textNode: null, error: null, buttons: [] };

  if (mode === "edit") {
    const local = model.local.get(answer.id);
    const fieldId = `edit-${answer.id}`;
    const errorId = `edit-error-${answer.id}`;
    const area = el("textarea", {
      className: "textarea edit-text",
      attrs: { id: fieldId, rows: 3, dir: "auto", "aria-describedby": errorId },
    });
    area.value = local.draft;
    area.addEventListener("input", () => {
      local.draft = area.value;
    });
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") cancelEdit(answer.id);
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        saveEdit(answer.id);
      }
    });
    const error = el("p", { className: "control-error", attrs: { id: errorId, role: "alert" } });
    const save = el("button", { className: "btn btn-primary btn-edit-save", text: "Save", attrs: { type: "button" } });
    const cancel = el("button", { className: "btn btn-edit-cancel", text: "Cancel", attrs: { type: "button" } });
    save.addEventListener("click", () => saveEdit(answer.id));
    cancel.addEventListener("click", () => cancelEdit(answer.id));
    parts.buttons.push(save, cancel);
    item.replaceChildren(
      el("label", { className: "visually-hidden", text: "Edit your answer", attrs: { for: fieldId } }),
      area,
      error,
      el("div", { className: "my-answer-actions" }, [save, cancel]),
      statusLine,
    );
    parts.error = error;
    item.parts = parts;
    if (!local.focused) {
      local.focused = true;
      area.focus();
    }
    return;
  }

  // dir="auto" on the person's own words: Arabic or Hebrew reads right to left.
  const textNode = el("p", { className: "my-answer-text", attrs: { dir: "auto" } });
  parts.textNode = textNode;
  const children = [textNode, statusLine];
  const error = el("p", { className: "control-error", attrs: { role: "alert" } });
  parts.error = error;

  if (answer && mode === "confirm-delete") {
    const yes = el("button", { className: "btn btn-danger btn-delete-confirm", text: "Delete", attrs: { type: "button" } });
    const no = el("button", { className: "btn btn-delete-cancel", text: "Keep", attrs: { type: "button" } });
    parts.buttons.push(yes, no);
    yes.addEventListener("click", () => removeAnswer(answer.id));
    no.addEventListener("click", () => {
      model.local.delete(answer.id);
      renderAnswers();
      focusIn(answer.id, ".btn-delete");
    });
    children.push(
      el("div", { className: "my-answer-confirm", attrs: { role: "group", "aria-label": "Delete this answer?" } }, [
        el("p", { text: "Delete this answer?" }),
        el("div", { className: "my-answer-actions" }, [yes, no]),
      ]),
    );
    children.push(error);
    item.replaceChildren(...children);
    item.parts = parts;
    const local = model.local.get(answer.id);
    if (!local.focused) {
      local.focused = true;
      no.focus();
    }
    return;
  }

  if (answer && accepting && status.state === "saved") {
    const edit = el("button", { className: "btn btn-sm btn-edit", text: "Edit", attrs: { type: "button" } });
    const del = el("button", { className: "btn btn-sm btn-ghost btn-delete", text: "Delete", attrs: { type: "button" } });
    edit.addEventListener("click", () => startEdit(answer.id));
    del.addEventListener("click", () => {
      model.local.set(answer.id, { mode: "confirm-delete" });
      renderAnswers();
    });
    children.push(el("div", { className: "my-answer-actions" }, [edit, del]));
  }

  if (entry.refused) {
    const key = entry.refused.client_key;
    const actions = [];
    const q = currentQuestion();
    if (accepting && q && q.id === entry.refused.question_id) {
      const retry = el("button", { className: "btn btn-sm btn-retry", text: "Try again", attrs: { type: "button" } });
      retry.addEventListener("click", () => {
        model.outbox = retryRefused(model.outbox, key);
        saveOutbox();
        renderAnswers();
        flush();
      });
      actions.push(retry);
    }
    const dismiss = el("button", { className: "btn btn-sm btn-ghost btn-dismiss", text: "Remove", attrs: { type: "button" } });
    dismiss.addEventListener("click", () => {
      model.outbox = dismissRefused(model.outbox, key);
      renderAnswers();
      ui.text.focus();
    });
    actions.push(dismiss);
    children.push(el("div", { className: "my-answer-actions" }, actions));
  }

  children.push(error);
  item.replaceChildren(...children);
  item.parts = parts;
}

function focusIn(answerId, selector) {
  const item = items.get(`a:${answerId}`);
  const target = item ? item.querySelector(selector) : null;
  if (target) target.focus();
}

// ------------------------------------------------------------------ sending

let flushing = false;
// After a refusal that will pass (too fast, the server's database away), the outbox
// waits a while (outbox.js says how long), then sends again.
let retryTimer = null;

/** Send what waits in the outbox, one at a time, while joined and not told to wait. */
async function flush() {
  if (flushing || !maySend(model.outbox, Date.now())) return;
  flushing = true;
  try {
    while (live.isJoined()) {
      const entry = nextToSend(model.outbox);
      if (!entry) break;
      model.outbox = markSending(model.outbox, entry.client_key);
      renderAnswers();
      const ack = await live.request("answer:submit", submitPayload(entry), { timeout: 10000 });
      const { outbox, outcome } = settleSend(model.outbox, entry, ack, Date.now());
      model.outbox = outbox;
      if (outcome.kind === "saved") {
        model.saved.set(outcome.answer.id, outcome.answer);
        saveOutbox();
        lastSavedAt = Date.now();
        setTimeout(renderSendStatus, 2600);
        announce("Answer saved.");
      } else if (outcome.kind === "kept") {
        // Kept in the outbox (and in localStorage) with the same key: the retry is
        // stored once. Offline, the next join sends it; otherwise it waits its turn.
        if (outcome.wait !== null) {
          clearTimeout(retryTimer);
          retryTimer = setTimeout(flush, outcome.wait);
        }
        renderAnswers();
        break;
      } else {
        saveOutbox();
        announce(outcome.message);
      }
      renderAnswers();
    }
  } finally {
    flushing = false;
    renderAnswers();
  }
}

setInterval(() => {
  if (hasWaiting(model.outbox) && live.isJoined()) flush();
  if (hasPending(voting.budget) && live.isJoined()) sendDots();
}, RETRY_MS);

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = currentQuestion();
  if (!q) return;
  if (!accepting) {
    showError(ui.answerError, "Answering is closed for this question.");
    return;
  }
  const text = ui.text.value;
  const problem = problemWith(text);
  if (problem) {
    showError(ui.answerError, problem);
    ui.text.setAttribute("aria-invalid", "true");
    ui.text.focus();
    return;
  }
  clearError(ui.answerError);
  ui.text.removeAttribute("aria-invalid");
  model.outbox = queueAnswer(model.outbox, newClientKey(), q.id, text.trim());
  saveOutbox();
  ui.text.value = "";
  store(`draft:${q.id}`, null);
  updateCounter();
  renderAnswers();
  if (!live.isJoined()) announce("Saved on this phone. It will be sent when the connection is back.");
  flush();
});

ui.text.addEventListener("input", () => {
  updateCounter();
  if (!ui.answerError.hidden && !problemWith(ui.text.value)) {
    clearError(ui.answerError);
    ui.text.removeAttribute("aria-invalid");
  }
  const q = currentQuestion();
  if (q) store(`draft:${q.id}`, ui.text.value || null);
});

ui.text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});

// ------------------------------------------------------------------ edit and delete

function startEdit(answerId) {
  const answer = model.saved.get(answerId);
  if (!answer) return;
  model.local.set(answerId, { mode: "edit", draft: answer.text, busy: null, error: null, focused: false });
  renderAnswers();
}

function cancelEdit(answerId) {
  model.local.delete(answerId);
  renderAnswers();
  focusIn(answerId, ".btn-edit");
}

async function saveEdit(answerId) {
  const local = model.local.get(answerId);
  if (!local || local.busy) return;
  const problem = problemWith(local.draft);
  if (problem) {
    local.error = problem;
    renderAnswers();
    return;
  }
  local.error = null;
  local.busy = "Saving…";
  renderAnswers();
  const ack = await live.request("answer:edit", { answer_id: answerId, text: local.draft.trim() });
  local.busy = null;
  if (ack.ok) {
    model.saved.set(ack.answer.id, ack.answer);
    model.local.delete(answerId);
    renderAnswers();
    focusIn(answerId, ".btn-edit");
    announce("Answer updated.");
  } else {
    local.error = ack.error.message;
    renderAnswers();
  }
}

async function removeAnswer(answerId) {
  const local = model.local.get(answerId) || { mode: "confirm-delete" };
  if (local.busy) return;
  local.busy = "Deleting…";
  local.error = null;
  model.local.set(answerId, local);
  renderAnswers();
  const ack = await live.request("answer:delete", { answer_id: answerId });
  local.busy = null;
  if (ack.ok) {
    model.saved.delete(answerId);
    model.local.delete(answerId);
    renderAnswers();
    announce("Answer deleted.");
    if (!ui.text.disabled) ui.text.focus();
    else ui.listTitle.focus();
  } else {
    local.error = ack.error.message;
    renderAnswers();
  }
}

// ------------------------------------------------------------------ the keyboard on iOS

// iOS keeps the layout viewport when the keyboard opens; lift the send bar by
// the part of the screen the keyboard covers. (Android resizes the page itself.)
if (window.visualViewport) {
  const viewport = window.visualViewport;
  const lift = () => {
    const covered = Math.max(0, window.innerHeight - viewport.height - viewport.offsetTop);
    document.documentElement.style.setProperty("--keyboard-offset", `${Math.round(covered)}px`);
  };
  viewport.addEventListener("resize", lift);
  viewport.addEventListener("scroll", lift);
}

// A bar behind the send button only while it floats over the page.
const sendBar = byId("send-bar");
if ("IntersectionObserver" in window) {
  new IntersectionObserver(
    ([entry]) => {
      const stuck = entry.intersectionRatio < 1 && entry.boundingClientRect.top > 0;
      sendBar.classList.toggle("is-stuck", stuck);
    },
    { threshold: [1] },
  ).observe(sendBar);
}

updateCounter();

// ------------------------------------------------------------------ the canvas and reactions

const FACETS = [
  ["ours", "Our values"],
  ["shared", "Values a partner must share"],
];
const REACTION_SAID = {
  agree: (label) => `You agree with ${label}.`,
  concern: (label) => `Concern noted on ${label}.`,
};

const canvasItems = new Map();
// Fields whose reaction is on its way: key -> the reaction sent last.
const reacting = new Map();
const sayUpdated = createCalmAnnouncer((names) => `${listWords(names)} updated.`, 8000);

function contentOf(f) {
  return JSON.stringify([f.statement, f.purpose || null, f.values || null]);
}

function hasContent(f) {
  return Boolean(f.statement || f.purpose || (f.values && (f.values.ours.length || f.values.shared.length)));
}

function buildCanvasItem(f) {
  const key = f.key;
  const labelId = `canvas-${key}-label`;
  const statement = el("p", { className: "canvas-statement", attrs: { dir: "auto" } });
  const updated = el("span", { className: "tag tag-success canvas-updated", text: "Updated" });
  updated.hidden = true;
  const parts = { statement, updated };
  const children = [
    el("div", { className: "canvas-item-head" }, [el("h2", { className: "canvas-item-label", text: f.label, attrs: { id: labelId } }), updated]),
  ];
  if (key === "purpose") {
    parts.purpose = el("p", { className: "canvas-purpose" });
    parts.purposeLine = el("p", { className: "canvas-purpose-line muted" });
    children.push(parts.purpose, parts.purposeLine);
  }
  children.push(statement);
  if (key === "values") {
    parts.facets = {};
    children.push(
      el(
        "div",
        { className: "canvas-facets" },
        FACETS.map(([facet, label]) => {
          const list = el("ul", { className: "canvas-values", attrs: { role: "list" } });
          const none = el("p", { className: "canvas-values-none muted", text: "None yet." });
          parts.facets[facet] = { list, none };
          return el("div", { className: "canvas-facet" }, [el("h3", { className: "canvas-facet-label", text: label }), none, list]);
        }),
      ),
    );
  }
  const agree = el("button", {
    className: "btn react-btn react-agree",
    attrs: { type: "button", "aria-pressed": "false", "aria-label": `Agree with ${f.label}` },
  }, [icon("agree", "btn-icon react-icon"), el("span", { text: "Agree" })]);
  const concern = el("button", {
    className: "btn react-btn react-concern",
    attrs: { type: "button", "aria-pressed": "false", "aria-label": `Concern about ${f.label}` },
  }, [icon("concern", "btn-icon react-icon"), el("span", { text: "Concern" })]);
  const actions = el("div", { className: "react-row", attrs: { role: "group", "aria-labelledby": labelId } }, [agree, concern]);
  const waiting = el("p", { className: "canvas-waiting muted", text: "You can react once this part is written." });
  const error = el("p", { className: "control-error", attrs: { role: "alert" } });
  error.hidden = true;
  children.push(actions, waiting, error);
  Object.assign(parts, { agree, concern, actions, waiting, error });
  agree.addEventListener("click", () => react(key, "agree"));
  concern.addEventListener("click", () => react(key, "concern"));
  const item = el("li", { className: "canvas-item", data: { field: key } }, [
    el("article", { className: "canvas-card", attrs: { "aria-labelledby": labelId } }, children),
  ]);
  item.parts = parts;
  return item;
}

function renderCanvas() {
  if (!model.canvas) return;
  const nodes = model.canvas.fields.map((f) => {
    let item = canvasItems.get(f.key);
    if (!item) {
      item = buildCanvasItem(f);
      canvasItems.set(f.key, item);
    }
    paintCanvasItem(item, f);
    return item;
  });
  reconcile(ui.canvasList, nodes);
}

function paintCanvasItem(item, f) {
  const p = item.parts;
  setText(p.statement, f.statement || (f.key === "values" ? "" : "Not written yet."));
  p.statement.classList.toggle("is-empty", !f.statement);
  p.statement.hidden = !f.statement && (f.key === "values" || (f.key === "purpose" && Boolean(f.purpose)));
  paintPurposeAndValues(p, f, "canvas-value value-pill");
  const mine = model.reactions.get(f.key) || null;
  const open = hasContent(f) || Boolean(mine);
  p.actions.hidden = !open;
  p.waiting.hidden = open;
  p.agree.setAttribute("aria-pressed", String(mine === "agree"));
  p.concern.setAttribute("aria-pressed", String(mine === "concern"));
  item.dataset.reaction = mine || "";
  item.classList.toggle("is-empty", !hasContent(f));
}

function markUpdated(key) {
  const item = canvasItems.get(key);
  if (!item) return;
  const card = item.firstElementChild;
  card.classList.remove("is-updated");
  void card.offsetWidth;
  card.classList.add("is-updated");
  item.parts.updated.hidden = false;
  clearTimeout(item.updatedTimer);
  item.updatedTimer = setTimeout(() => {
    item.parts.updated.hidden = true;
    card.classList.remove("is-updated");
  }, 4000);
}

/** Agree or concern; the same again takes it back. Shown at once, undone if refused. */
async function react(key, kind) {
  const item = canvasItems.get(key);
  const field = model.canvas && model.canvas.fields.find((f) => f.key === key);
  if (!item || !field) return;
  const before = model.reactions.get(key) || null;
  const next = before === kind ? null : kind;
  if (next) model.reactions.set(key, next);
  else model.reactions.delete(key);
  clearError(item.parts.error);
  paintCanvasItem(item, field);
  reacting.set(key, next);
  const ack = await live.request("canvas:react", { field: key, reaction: next });
  if (reacting.get(key) !== next) return; // a later tap is on its way; it decides.
  reacting.delete(key);
  if (ack.ok) {
    if (ack.reaction) model.reactions.set(key, ack.reaction);
    else model.reactions.delete(key);
    paintCanvasItem(item, field);
    announce(ack.reaction ? REACTION_SAID[ack.reaction](field.label) : `Reaction to ${field.label} taken back.`);
    return;
  }
  if (before) model.reactions.set(key, before);
  else model.reactions.delete(key);
  paintCanvasItem(item, field);
  showError(item.parts.error, `Not sent: ${ack.error.message}`);
}

// ------------------------------------------------------------------ the dot vote

// Taps this close together go as one send: the whole allocation, once they settle.
const VOTE_DEBOUNCE_MS = 400;
// "2 of 3 dots left" is said once the taps pause, not on every one.
const VOTE_SAY_MS = 900;

const voting = {
  // The vote as the last state had it, and this person's dots on it (vote-budget.js).
  vote: null,
  budget: null,
  // Item id -> label, kept for "Your dots: …" once the closed vote comes without its items.
  labels: new Map(),
  // The payload on its way, and which send it is (a reconnect forgets the one in flight).
  inflight: null,
  sends: 0,
  debounce: null,
  retryTimer: null,
  retryAt: 0,
  refusals: 0,
  // Why the last change was refused for good, shown until the next tap.
  error: null,
  saved: false,
  // The focus was on a button that is gone: the title takes it once drawn.
  focusTitle: false,
};
const voteRows = new Map();
let voteSayTimer = null;

function labelOf(key) {
  return voting.labels.get(String(key)) || null;
}

/** Keep this person's dots, the change not yet acknowledged and the labels, across a reload. */
function keepVote() {
  if (!voting.budget) {
    store("vote", null);
    return;
  }
  store("vote", {
    ...keptFor(voting.budget, voting.inflight && voting.inflight.dots),
    labels: Object.fromEntries(voting.labels),
  });
}

function rememberLabels(vote) {
  if (!vote || !vote.items) return;
  for (const item of vote.items) voting.labels.set(String(item.id), item.label);
}

/** A new vote (or none): forget the last one's sends, timers and words. */
function resetVote(vote) {
  clearTimeout(voting.debounce);
  clearTimeout(voting.retryTimer);
  Object.assign(voting, { debounce: null, retryTimer: null, retryAt: 0, refusals: 0, error: null, saved: false });
  voting.inflight = null;
  voting.sends += 1;
  voting.labels = new Map();
  voteRows.clear();
  ui.voteItems.replaceChildren();
  rememberLabels(vote);
}

/**
 * A join came back (the first, or after a reconnect): the server's dots are the
 * acknowledged ones; a change this page, or this phone before a reload, had not had
 * acknowledged is taken up on top of them, and sent at once.
 */
function joinVote(ack) {
  const vote = ack.stale ? voting.vote : (ack.state && ack.state.vote) || null;
  if (!vote) {
    if (!ack.stale) followVoteState(null);
    return;
  }
  const mine = ack.my_dots && ack.my_dots.vote_id === vote.id ? ack.my_dots.dots : {};
  let kept;
  if (voting.budget && voting.budget.voteId === vote.id) {
    kept = keptFor(voting.budget, voting.inflight && voting.inflight.dots);
  } else {
    // A reload: what this phone kept, for this vote only.
    kept = load("vote", null);
    resetVote(vote);
    if (kept && kept.vote_id === vote.id && kept.labels) {
      for (const [key, label] of Object.entries(kept.labels)) if (!voting.labels.has(key)) voting.labels.set(key, label);
    }
  }
  voting.vote = vote;
  voting.budget = createBudget(vote, mine, kept);
  if (placed(voting.budget) > 0) voting.saved = true;
  // What was on its way is answered, or lost, by now; send again without waiting.
  voting.inflight = null;
  voting.sends += 1;
  voting.retryAt = 0;
  clearTimeout(voting.retryTimer);
  voting.retryTimer = null;
  keepVote();
}

/** A `state` came: the vote opened, closed, or left the screens. */
function followVoteState(vote) {
  const before = voting.vote;
  const wasOpen = Boolean(voting.budget && voting.budget.open);
  // Its buttons go: the focus moves to the vote's title, or to the page, not nowhere.
  const hadFocus = ui.voteOpen.contains(document.activeElement);
  if (!vote || !before || before.id !== vote.id) resetVote(vote);
  else rememberLabels(vote);
  voting.vote = vote;
  voting.budget = followVote(voting.budget, vote);
  keepVote();
  if (!vote) {
    if (hadFocus) ui.main.focus({ preventScroll: true });
    return;
  }
  if (!before || before.id !== vote.id) {
    if (hadFocus) voting.focusTitle = true;
    if (vote.status === "open") {
      announce(`A vote has opened: ${vote.title}. You have ${plural(vote.dots, "dot")} to place.`);
      // Where the person sees it, unless they are typing an answer.
      const typing = document.activeElement && document.activeElement.matches("textarea, input");
      if (!typing) window.scrollTo({ top: 0 });
    }
  } else if (wasOpen && !voting.budget.open) {
    clearTimeout(voting.debounce);
    voting.debounce = null;
    voting.focusTitle = hadFocus;
    announce(`The vote has closed. Your dots: ${dotsWords(voting.budget, labelOf)}.`);
  }
}

// ------------------------------------------------------------------ placing dots

/** A tap on + (add), − (take) or, without stacking, the item's one toggle. */
function tapDot(key, how) {
  const b = voting.budget;
  if (!b) return;
  const next = how === "add" ? addDot(b, key) : how === "take" ? takeDot(b, key) : toggleDot(b, key);
  if (next === b) return;
  const focused = document.activeElement;
  voting.budget = next;
  voting.error = null;
  keepVote();
  renderVote();
  keepFocusIn(key, focused);
  sayDotsLeft();
  clearTimeout(voting.debounce);
  voting.debounce = setTimeout(() => {
    voting.debounce = null;
    sendDots();
  }, VOTE_DEBOUNCE_MS);
}

/** A + that just switched off (the last dot is placed) hands the focus to its −. */
function keepFocusIn(key, focused) {
  const row = voteRows.get(key);
  if (!row || !focused || !row.contains(focused) || !focused.disabled) return;
  const other = [row.parts.take, row.parts.add, row.parts.toggle].find((b) => b && !b.disabled);
  if (other) other.focus();
}

function sayDotsLeft() {
  clearTimeout(voteSayTimer);
  voteSayTimer = setTimeout(() => {
    const b = voting.budget;
    if (b && b.open) announce(`${leftWords(b)}.`, "vote-announcer");
  }, VOTE_SAY_MS);
}

function retryDotsLater(error) {
  voting.refusals += 1;
  const wait = retryDelay(error, voting.refusals);
  voting.retryAt = Date.now() + wait;
  clearTimeout(voting.retryTimer);
  voting.retryTimer = setTimeout(() => {
    voting.retryTimer = null;
    sendDots();
  }, wait);
}

/** Send the whole allocation once the taps settle; one send at a time, the newest choice next. */
async function sendDots() {
  if (voting.inflight || voting.debounce || Date.now() < voting.retryAt) return;
  const payload = toSend(voting.budget);
  if (!payload || !live.isJoined()) {
    renderVoteStatus();
    return;
  }
  const send = ++voting.sends;
  voting.inflight = payload;
  keepVote();
  renderVoteStatus();
  const ack = await live.request("vote:dots", payload, { timeout: 10000 });
  // A reconnect or another vote came meanwhile: its own send decides.
  if (send !== voting.sends) return;
  voting.inflight = null;
  const b = voting.budget;
  if (!b || b.voteId !== payload.vote_id) return;
  if (ack.ok) {
    voting.refusals = 0;
    voting.error = null;
    voting.saved = true;
    voting.budget = applyAck(b, ack);
  } else if (RETRYABLE.has(ack.error.code)) {
    // Kept (and on this phone): offline, the next join sends it; else after a wait.
    if (ack.error.code !== "offline") retryDotsLater(ack.error);
  } else {
    voting.budget = dropPending(b);
    voting.error =
      ack.error.code === "vote_closed"
        ? "The vote closed before these dots were saved."
        : `Not saved: ${ack.error.message}`;
    announce(voting.error, "vote-announcer");
  }
  keepVote();
  renderVote();
  if (hasPending(voting.budget) && !voting.retryTimer) sendDots();
}

live.on("my_dots", (message) => {
  const b = voting.budget;
  const next = fromOtherTab(b, message);
  if (next === b) return;
  voting.budget = next;
  voting.saved = true;
  keepVote();
  renderVote();
  sayDotsLeft();
  if (hasPending(next)) sendDots();
});

// ------------------------------------------------------------------ drawing the vote

function dotMarks(filled, count, className) {
  return Array.from({ length: count }, (_, n) => el("span", { className: `${className}${n < filled ? " is-filled" : ""}` }));
}

function buildVoteRow(key, stack) {
  const labelId = `vote-item-${key}`;
  const label = el("p", { className: "vote-item-label", attrs: { id: labelId, dir: "auto" } });
  const marks = el("span", { className: "vote-item-marks", attrs: { "aria-hidden": "true" } });
  const count = el("span", { className: "vote-item-count" });
  const parts = { label, marks, count, stack };
  let controls;
  if (stack) {
    parts.take = el("button", { className: "btn vote-btn vote-take", attrs: { type: "button" } }, [
      el("span", { text: "−", attrs: { "aria-hidden": "true" } }),
    ]);
    parts.add = el("button", { className: "btn vote-btn vote-add", attrs: { type: "button" } }, [
      el("span", { text: "+", attrs: { "aria-hidden": "true" } }),
    ]);
    parts.take.addEventListener("click", () => tapDot(key, "take"));
    parts.add.addEventListener("click", () => tapDot(key, "add"));
    controls = el("div", { className: "vote-controls", attrs: { role: "group", "aria-labelledby": labelId } }, [
      parts.take,
      parts.add,
    ]);
  } else {
    parts.toggle = el("button", { className: "btn vote-btn vote-toggle", attrs: { type: "button", "aria-pressed": "false" } }, [
      el("span", { className: "vote-toggle-mark", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "vote-toggle-text", text: "Dot" }),
    ]);
    parts.toggle.addEventListener("click", () => tapDot(key, "toggle"));
    controls = el("div", { className: "vote-controls" }, [parts.toggle]);
  }
  // A toggle sits beside its label; + and − go under it, next to the item's dots.
  const row = stack
    ? el("li", { className: "vote-item", data: { itemId: key } }, [
        label,
        el("div", { className: "vote-item-foot" }, [el("p", { className: "vote-item-tally" }, [marks, count]), controls]),
      ])
    : el("li", { className: "vote-item is-toggle", data: { itemId: key } }, [label, controls]);
  row.parts = parts;
  return row;
}

function paintVoteRow(row, key, b) {
  const p = row.parts;
  const name = labelOf(key) || "";
  const n = dotsOn(b, key);
  setText(p.label, name);
  row.dataset.dots = String(n);
  row.classList.toggle("has-dots", n > 0);
  setText(p.count, n ? plural(n, "dot") : "No dots");
  p.marks.replaceChildren(...dotMarks(n, b.stack ? Math.max(n, 1) : 1, "vote-mark"));
  const short = quote(name, 60);
  if (p.stack) {
    p.add.setAttribute("aria-label", `Add a dot to ${short}`);
    p.take.setAttribute("aria-label", `Take a dot off ${short}`);
    p.add.disabled = !canAdd(b, key);
    p.take.disabled = !canTake(b, key);
  } else {
    p.toggle.setAttribute("aria-label", `Dot on ${short}`);
    p.toggle.setAttribute("aria-pressed", String(n > 0));
    p.toggle.disabled = n > 0 ? !canTake(b, key) : !canAdd(b, key);
  }
}

function renderVote() {
  const vote = voting.vote;
  const b = voting.budget;
  if (!vote || !b || ui.vote.hidden) return;
  ui.vote.dataset.status = b.open ? "open" : "closed";
  ui.vote.dataset.stack = String(b.stack);
  setText(ui.voteTitle, vote.title);
  ui.voteOpen.hidden = !b.open;
  ui.voteClosed.hidden = b.open;
  if (voting.focusTitle) {
    voting.focusTitle = false;
    ui.voteTitle.focus({ preventScroll: true });
  }
  if (!b.open) {
    setText(ui.voteClosedText, `Your dots: ${dotsWords(b, labelOf)}.`);
    return;
  }
  setText(
    ui.voteHelp,
    b.stack
      ? `You have ${plural(b.dots, "dot")}. Put them on what matters most; several can go on one item.`
      : `You have ${plural(b.dots, "dot")}: one each on the items that matter most.`,
  );
  setText(ui.voteLeft, leftWords(b));
  ui.voteBudget.dataset.left = String(dotsLeft(b));
  ui.voteBudgetDots.replaceChildren(...dotMarks(dotsLeft(b), b.dots, "vote-mark"));
  const nodes = b.items.map((key) => {
    let row = voteRows.get(key);
    if (!row || row.parts.stack !== b.stack) {
      row = buildVoteRow(key, b.stack);
      voteRows.set(key, row);
    }
    paintVoteRow(row, key, b);
    return row;
  });
  reconcile(ui.voteItems, nodes);
  renderVoteStatus();
}

/** Under the items: whether the dots are saved, on their way, kept for later, or refused. */
function renderVoteStatus() {
  const b = voting.budget;
  if (!b || !b.open) return;
  let state = "idle";
  let text = "";
  if (voting.error) {
    state = "error";
    text = voting.error;
  } else if (hasPending(b)) {
    if (!live.isJoined()) {
      state = "waiting";
      text = "Not connected: your dots are kept on this phone and sent when the connection is back.";
    } else if (voting.retryTimer) {
      state = "waiting";
      text = "Not saved yet. Trying again…";
    } else {
      state = "sending";
      text = "Saving…";
    }
  } else if (voting.saved) {
    state = "saved";
    text = "Saved";
  }
  ui.voteStatus.dataset.state = state;
  setText(ui.voteStatus, text);
}
