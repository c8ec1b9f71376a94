// The projector: read-only. It joins with its token and shows what the room
// should see: the lobby, the current question, revealed answers, the canvas
// building live in the synthesis, the end.
//
// `state` replaces everything; `answer`, `answer_removed`, `counts`,
// `canvas_field` and `reactions` update in place (docs/protocol.md). Answers
// never carry an author here.

import {
  announce,
  announceTimer,
  byId,
  connectLive,
  countdownState,
  createCalmAnnouncer,
  createCountdown,
  createTally,
  el,
  formatClock,
  listWords,
  paintPurposeAndValues,
  plural,
  setText,
  spokenDuration,
  timerStartWords,
} from "./live.js";

const body = document.body;
const token = body.dataset.token;

const ui = {
  lobby: byId("screen-lobby"),
  question: byId("screen-question"),
  ended: byId("screen-ended"),
  message: byId("screen-message"),
  messageText: byId("screen-message-text"),
  lobbyCount: byId("lobby-count"),
  section: byId("q-section"),
  number: byId("q-number"),
  prompt: byId("q-prompt"),
  answerCount: byId("answer-count"),
  answeringState: byId("answering-state"),
  wall: byId("answer-wall"),
  waiting: byId("answers-waiting"),
  waitingText: byId("answers-waiting-text"),
  timer: byId("screen-timer"),
  timerLabel: byId("screen-timer-label"),
  timerValue: byId("screen-timer-value"),
  canvas: byId("screen-canvas"),
  board: byId("board"),
  boardEyebrow: byId("board-eyebrow"),
  boardHint: byId("board-hint"),
  boardBadge: byId("board-join-badge"),
  endedText: byId("ended-text"),
};

const ENDED_TEXT = ui.endedText.textContent;

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const model = {
  workshop: null,
  question: null,
  answers: new Map(),
  counts: null,
  canvas: null,
};

// The wall: fixed columns; a new card goes to the shortest one, so nothing
// already on screen moves when an answer arrives.
const wall = {
  questionId: null,
  revealed: false,
  columns: [],
  cards: new Map(),
};

const live = connectLive({
  joinEvent: "screen:join",
  joinPayload: { token },
  onJoined(ack) {
    ui.message.hidden = true;
    if (!ack.stale) applyState(ack.state);
  },
  onJoinFailed(error) {
    body.dataset.view = "message";
    ui.lobby.hidden = true;
    ui.question.hidden = true;
    ui.ended.hidden = true;
    ui.canvas.hidden = true;
    ui.message.hidden = false;
    setText(ui.messageText, error.message);
  },
});

const countdown = createCountdown(live.clock, {
  onTick: renderTimer,
  onStart: (timer) => announceTimer(timerStartWords(timer)),
  onMilestone: (seconds) => announceTimer(`${spokenDuration(seconds)} left.`),
  onEnd: () => {
    announceTimer("Time is up.");
    renderStatus();
  },
});

live.on("state", applyState);

live.on("answer", ({ answer }) => {
  const q = model.question;
  if (!q || !q.revealed || answer.question_id !== q.id || answer.hidden) return;
  const known = model.answers.get(answer.id);
  if (known && answer.updated_at < known.updated_at) return;
  model.answers.set(answer.id, answer);
  renderWall();
});

live.on("answer_removed", ({ id }) => {
  if (!model.answers.delete(id)) return;
  renderWall();
});

live.on("counts", (counts) => {
  model.counts = counts;
  renderCounts();
});

live.on("canvas_field", ({ field }) => {
  if (field) board.receive(field, true);
});

live.on("reactions", ({ field, reactions }) => board.reactions(field, reactions));

function applyState(state) {
  if (!state || state.audience !== "screen") return;
  const before = model.question;
  const beforePhase = model.workshop ? model.workshop.phase : null;
  model.workshop = state.workshop;
  model.question = state.question;
  model.answers = new Map((state.answers || []).map((a) => [a.id, a]));
  model.counts = state.counts;
  model.canvas = state.canvas || null;
  if (model.canvas) for (const f of model.canvas.fields) board.receive(f, false);
  render();
  const q = model.question;
  if (q && (!before || before.id !== q.id)) announce(`Question ${q.number} of ${q.total}: ${q.prompt}`);
  if (state.workshop.phase === "ended" && beforePhase && beforePhase !== "ended") announce("The workshop has ended. Thank you.");
  else if (state.workshop.phase === "synthesis" && beforePhase !== "synthesis") announce("The strategy canvas is being built.");
}

function render() {
  const w = model.workshop;
  if (!w) return;
  const canvasShown = Boolean(model.canvas) && (w.phase === "synthesis" || (w.phase === "ended" && board.hasContent()));
  let view = w.phase === "questions" && model.question ? "question" : w.phase === "ended" ? "ended" : "lobby";
  if (canvasShown) view = w.phase === "ended" ? "ended-canvas" : "canvas";
  body.dataset.view = view;
  // Closed to new people: the code and QR code give way to "Joining is closed" (screen.css).
  body.dataset.joining = w.joining_locked ? "closed" : "open";
  ui.lobby.hidden = view !== "lobby";
  ui.question.hidden = view !== "question";
  ui.ended.hidden = view !== "ended" && view !== "ended-canvas";
  ui.canvas.hidden = !canvasShown;
  if (canvasShown) {
    const ended = w.phase === "ended";
    setText(ui.boardEyebrow, ended ? "Our partnership strategy" : "Our partnership strategy, taking shape");
    ui.boardHint.hidden = ended;
    ui.boardBadge.hidden = ended;
    board.show(ended);
  }
  setText(ui.endedText, view === "ended-canvas" ? "Here is the partnership strategy we built together." : ENDED_TEXT);

  const q = model.question;
  if (view === "question") {
    setText(ui.section, q.section_label);
    setText(ui.number, `Question ${q.number} of ${q.total}`);
    setText(ui.prompt, q.prompt);
    fitPrompt();
  }
  countdown.set(view === "question" ? w.timer : null);
  renderTimer(countdown.left());
  renderStatus();
  renderCounts();
  renderWall();
}

function accepting() {
  const w = model.workshop;
  return Boolean(w && w.accepting && !countdown.expired());
}

function renderStatus() {
  const w = model.workshop;
  if (!w || !model.question) return;
  const open = accepting();
  const timeUp = w.answering_open && !open;
  ui.answeringState.dataset.state = open ? "open" : "closed";
  setText(ui.answeringState, open ? "Answering open" : timeUp ? "Time's up" : "Answering closed");
}

function renderTimer(left) {
  const state = countdownState(left, model.workshop);
  ui.timer.hidden = state === "idle";
  ui.timer.dataset.state = state;
  if (state === "idle") return;
  const done = state === "done";
  setText(ui.timerLabel, done ? "Time's up" : "Time left");
  setText(ui.timerValue, done ? "0:00" : formatClock(left));
}

function renderCounts() {
  const c = model.counts;
  const joined = c ? c.participants : 0;
  setText(
    ui.lobbyCount,
    joined === 0 ? "Waiting for the first person to join" : joined === 1 ? "1 person has joined" : `${joined} people have joined`,
  );
  const q = model.question;
  if (!q) return;
  const current = c && c.question_id === q.id ? c : null;
  const answers = current ? current.answers : 0;
  const people = current ? current.answered : 0;
  setText(
    ui.answerCount,
    answers === 0 ? "No answers yet" : `${plural(answers, "answer")} from ${plural(people, "person", "people")}`,
  );
}

// Long prompts step down in size so they never push the answers off screen.
function fitPrompt() {
  const length = model.question ? model.question.prompt.length : 0;
  ui.prompt.dataset.length = length > 120 ? "long" : length > 70 ? "medium" : "short";
}

// ------------------------------------------------------------------ the wall

function columnCount() {
  const width = ui.wall.clientWidth || window.innerWidth;
  const sizes = { xs: 260, s: 300, m: 360, l: 420 };
  const size = sizes[ui.wall.dataset.density] || sizes.l;
  return Math.max(1, Math.min(6, Math.floor(width / size)));
}

const DENSITY_RANK = { l: 0, m: 1, s: 2, xs: 3 };

function densityFor(count) {
  if (count > 30) return "xs";
  if (count > 16) return "s";
  if (count > 6) return "m";
  return "l";
}

function buildColumns() {
  const n = columnCount();
  wall.columns = Array.from({ length: n }, () => el("div", { className: "wall-column", attrs: { role: "presentation" } }));
  ui.wall.replaceChildren(...wall.columns);
  ui.wall.style.setProperty("--columns", String(n));
}

function shortestColumn() {
  let best = wall.columns[0];
  for (const column of wall.columns) {
    if (column.offsetHeight < best.offsetHeight) best = column;
  }
  return best;
}

function cardFor(answer) {
  let card = wall.cards.get(answer.id);
  if (!card) {
    card = el("div", { className: "wall-card", attrs: { role: "listitem" }, data: { answerId: answer.id } }, [
      // dir="auto": an answer in Arabic or Hebrew reads right to left.
      el("p", { className: "wall-card-text", attrs: { dir: "auto" } }),
    ]);
    wall.cards.set(answer.id, card);
  }
  setText(card.firstChild, answer.text);
  return card;
}

function animateIn(card, delay) {
  if (reducedMotion.matches) return;
  card.classList.add("is-arriving");
  card.style.setProperty("--delay", `${delay}ms`);
  card.addEventListener("animationend", () => card.classList.remove("is-arriving"), { once: true });
}

/** Lay out every card again (new question, reveal, resize, density change). */
function relayout(animate) {
  buildColumns();
  const ordered = Array.from(model.answers.values()).sort((a, b) => a.id - b.id);
  ordered.forEach((answer, index) => {
    const card = cardFor(answer);
    shortestColumn().append(card);
    if (animate) animateIn(card, Math.min(index, 24) * 45);
  });
}

/**
 * Bring the wall in line with the model. A new or newly revealed question lays
 * the cards out afresh; otherwise new cards arrive with a fade in the shortest
 * column and the cards already on screen stay where they are.
 */
function renderWall() {
  const q = model.question;
  const revealed = Boolean(q && q.revealed);
  ui.waiting.hidden = revealed && model.answers.size > 0;
  setText(
    ui.waitingText,
    revealed ? "Answers appear here as they arrive." : "Answers appear here when the facilitator reveals them.",
  );
  ui.wall.hidden = !revealed;
  ui.question.dataset.revealed = String(revealed);

  if (!q || !revealed) {
    wall.questionId = q ? q.id : null;
    wall.revealed = false;
    wall.cards.clear();
    ui.wall.replaceChildren();
    return;
  }

  const density = densityFor(model.answers.size);
  const newQuestion = wall.questionId !== q.id || !wall.revealed;
  // Cards only ever get smaller while a question is up: a removal never makes the wall jump back.
  const denser = DENSITY_RANK[density] > DENSITY_RANK[ui.wall.dataset.density || "l"];
  if (newQuestion || denser) {
    wall.questionId = q.id;
    wall.revealed = true;
    for (const id of Array.from(wall.cards.keys())) if (!model.answers.has(id)) wall.cards.delete(id);
    ui.wall.dataset.density = density;
    relayout(newQuestion);
    return;
  }

  // Same question, still revealed. A card that went (hidden or deleted) would
  // leave a hole: close it up. Otherwise update in place and add what is new.
  let removed = false;
  for (const id of Array.from(wall.cards.keys())) {
    if (!model.answers.has(id)) {
      wall.cards.delete(id);
      removed = true;
    }
  }
  if (removed) {
    relayout(false);
    return;
  }
  const ordered = Array.from(model.answers.values()).sort((a, b) => a.id - b.id);
  for (const answer of ordered) {
    const isNew = !wall.cards.has(answer.id);
    const card = cardFor(answer);
    if (isNew) {
      shortestColumn().append(card);
      animateIn(card, 0);
    }
  }
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (wall.revealed && wall.columns.length !== columnCount()) relayout(false);
  }, 200);
});

// ------------------------------------------------------------------ the canvas

const FACET_LABELS = { ours: "Our values", shared: "Values a partner must share" };
const FIT_STEPS = 8;

/**
 * The canvas as a poster: seven cards in a fixed grid. A card never changes
 * size; a long statement steps its type down until it fits, so nothing moves
 * when the facilitator types.
 */
const board = (() => {
  const cards = new Map();
  let built = "";
  let ended = false;
  const say = createCalmAnnouncer((names) => `${listWords(names)} updated.`, 5000);

  function build(fields) {
    const signature = fields.map((f) => f.key).join(",");
    if (signature === built) return;
    built = signature;
    cards.clear();
    const nodes = fields.map((f) => {
      const titleId = `board-${f.key}-label`;
      const statement = el("p", { className: "board-statement", attrs: { dir: "auto" } });
      const bodyNode = el("div", { className: "board-body" }, [statement]);
      const tally = createTally("tally board-tally");
      const parts = { statement, bodyNode, tally };
      // The tally sits next to the label: an icon and a number each (the words are there for screen readers).
      const children = [
        el("div", { className: "board-card-head" }, [
          el("h2", { className: "board-label", text: f.label, attrs: { id: titleId } }),
          tally.node,
        ]),
      ];
      if (f.key === "purpose") {
        parts.purpose = el("p", { className: "board-purpose" });
        parts.purposeLine = el("span", { className: "board-purpose-line" });
        children.push(el("div", { className: "board-purpose-box" }, [parts.purpose, parts.purposeLine]));
      }
      if (f.key === "values") {
        parts.facets = {};
        const facets = Object.entries(FACET_LABELS).map(([facet, label]) => {
          const list = el("ul", { className: "board-value-list", attrs: { role: "list" } });
          const none = el("p", { className: "board-value-none", text: "None yet" });
          parts.facets[facet] = { list, none };
          return el("div", { className: "board-facet", data: { facet } }, [
            el("h3", { className: "board-facet-label", text: label }),
            none,
            list,
          ]);
        });
        bodyNode.prepend(el("div", { className: "board-facets" }, facets));
      }
      children.push(bodyNode);
      // A list item of the board (an <article> may not be one), named by its label.
      const card = el(
        "div",
        { className: `board-card board-field-${f.key}`, attrs: { role: "listitem", "aria-labelledby": titleId }, data: { field: f.key } },
        children,
      );
      card.parts = parts;
      card.field = null;
      cards.set(f.key, card);
      return card;
    });
    ui.board.replaceChildren(...nodes);
  }

  function contentOf(f) {
    return JSON.stringify([f.statement, f.purpose || null, f.values || null]);
  }

  function paint(card, f) {
    const p = card.parts;
    const empty = !f.statement;
    setText(p.statement, empty ? (ended ? "Not written" : "Being written…") : f.statement);
    p.statement.classList.toggle("is-empty", empty);
    card.classList.toggle("is-empty", empty && !(f.purpose || hasValues(f)));
    if (p.purpose) p.statement.hidden = empty && Boolean(f.purpose);
    if (p.facets) p.statement.hidden = empty;
    paintPurposeAndValues(p, f, "board-value");
    p.tally.update(f.reactions);
    fit(card);
  }

  function hasValues(f) {
    return Boolean(f.values && (f.values.ours.length || f.values.shared.length));
  }

  /** Step the statement's type down until the card holds it (never grow the card). */
  function fit(card) {
    const { bodyNode, statement } = card.parts;
    if (card.offsetParent === null) {
      card.dataset.fit = "pending";
      return;
    }
    const overflowing = () => bodyNode.scrollHeight > bodyNode.clientHeight + 1;
    const shrink = () => {
      let size = 0;
      statement.dataset.size = "0";
      while (size < FIT_STEPS - 1 && overflowing()) {
        size += 1;
        statement.dataset.size = String(size);
      }
    };
    delete card.dataset.compact;
    shrink();
    // Still too long: the purpose word and the values give up some room too.
    if (overflowing() && (card.parts.purpose || card.parts.facets)) {
      card.dataset.compact = "true";
      shrink();
    }
    bodyNode.classList.toggle("is-overflowing", overflowing());
    delete card.dataset.fit;
  }

  function highlight(card) {
    card.classList.remove("is-updated");
    void card.offsetWidth;
    card.classList.add("is-updated");
    clearTimeout(card.highlightTimer);
    card.highlightTimer = setTimeout(() => card.classList.remove("is-updated"), 2600);
  }

  return {
    receive(f, live) {
      if (!model.canvas) {
        if (!live) return;
        // A delta before the first snapshot: the snapshot will carry it.
        return;
      }
      build(model.canvas.fields);
      const card = cards.get(f.key);
      if (!card) return;
      const known = card.field;
      if (known && f.version < known.version) return;
      const changed = Boolean(known) && contentOf(known) !== contentOf(f);
      card.field = { ...f };
      const index = model.canvas.fields.findIndex((x) => x.key === f.key);
      if (index >= 0) model.canvas.fields[index] = card.field;
      paint(card, card.field);
      if (changed && live) {
        highlight(card);
        say(f.label);
      }
    },
    reactions(key, reactions) {
      const card = cards.get(key);
      if (!card || !card.field) return;
      card.field.reactions = reactions;
      card.parts.tally.update(reactions);
    },
    hasContent() {
      if (!model.canvas) return false;
      return model.canvas.fields.some((f) => f.statement || f.purpose || hasValues(f));
    },
    show(isEnded) {
      if (!model.canvas) return;
      build(model.canvas.fields);
      const wasEnded = ended;
      ended = isEnded;
      for (const card of cards.values()) {
        if (card.field && (wasEnded !== ended || card.dataset.fit === "pending")) paint(card, card.field);
        else if (card.dataset.fit === "pending") fit(card);
      }
    },
    refit() {
      for (const card of cards.values()) if (card.field) fit(card);
    },
  };
})();

let refitTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(refitTimer);
  refitTimer = setTimeout(() => board.refit(), 150);
});
