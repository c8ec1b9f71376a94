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
  reconcile,
  setText,
  spokenDuration,
  timerStartWords,
} from "./live.js";
import { boardPage, boardSummary } from "./themes-core.js";
import { barLabel, rankedBars, resultsNote, turnoutText } from "./vote-bars.js";
import { cloudSummary, placeWords, sizesFor } from "./word-cloud.js";
import { DENSITIES, clampLines, createPacker, denser, densityFor, isDensest, packPages, pagerText, wrapPage } from "./wall-pages.js";

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
  measure: byId("wall-measure"),
  cloud: byId("answer-cloud"),
  cloudList: byId("cloud-list"),
  themeBoard: byId("theme-board"),
  vote: byId("screen-vote"),
  voteTitle: byId("vote-title"),
  voteBoard: byId("vote-board"),
  voteTurnout: byId("vote-turnout"),
  voteNote: byId("vote-note"),
  pager: byId("wall-pager"),
  pagerText: byId("wall-pager-text"),
  spotlight: byId("screen-spotlight"),
  spotlightBox: byId("spotlight-box"),
  spotlightPrompt: byId("spotlight-prompt"),
  spotlightText: byId("spotlight-text"),
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
  wall: { page: 0, rotate_seconds: 0, spotlight: null, show_as: "answers" },
  cloud: null,
  themes: null,
  vote: null,
};

// The wall: fixed columns; a new card goes to the shortest one, so nothing
// already on screen moves when an answer arrives.
const wall = {
  questionId: null,
  revealed: false,
  columns: [],
  cards: new Map(),
  order: [], // answer ids in the order they were placed
  density: "l",
  keepDensity: false, // while a question is up, the cards only get denser
  shape: null,
  packer: null,
  placed: new Map(),
  turns: 0, // pages turned since the first, by the facilitator and by rotation
  page: 0,
  rotateTimer: null,
  rotateEvery: 0,
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
  const spot = model.wall.spotlight;
  if (spot && spot.id === answer.id) {
    // Its author edited it, or the facilitator hid it: the spotlight follows.
    model.wall = { ...model.wall, spotlight: answer.hidden ? null : { id: answer.id, text: answer.text } };
    renderSpotlight();
  }
  const q = model.question;
  if (!q || !q.revealed || answer.question_id !== q.id || answer.hidden) return;
  const known = model.answers.get(answer.id);
  if (known && answer.updated_at < known.updated_at) return;
  model.answers.set(answer.id, answer);
  renderWall();
});

live.on("wall", ({ wall: next }) => {
  if (next) applyWall(next);
});

live.on("cloud", (cloud) => {
  const q = model.question;
  if (!cloud || !q || cloud.question_id !== q.id) return;
  model.cloud = cloud;
  if (showingCloud()) renderCloud();
});

live.on("vote_results", (vote) => {
  if (!model.vote || !vote || vote.id !== model.vote.id) return;
  // Coalesced results read before the close may arrive after its state: never reopen it.
  if (model.vote.status === "closed" && vote.status !== "closed") return;
  model.vote = vote;
  renderVote();
});

live.on("themes", (view) => {
  const q = model.question;
  if (!view || !q || view.question_id !== q.id) return;
  model.themes = view;
  if (showingThemes()) renderThemes();
});

live.on("answer_removed", ({ id }) => {
  const spot = model.wall.spotlight;
  if (spot && spot.id === id) {
    model.wall = { ...model.wall, spotlight: null };
    renderSpotlight();
  }
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
  const wallBefore = model.wall;
  model.wall = state.wall || { page: 0, rotate_seconds: 0, spotlight: null, show_as: "answers" };
  model.cloud = state.cloud || null;
  model.themes = state.themes || null;
  model.vote = state.vote || null;
  // The same question and a turned page: turn the wall by as much (a new question starts afresh).
  const turned = wall.revealed && before && model.question && before.id === model.question.id ? model.wall.page - wallBefore.page : 0;
  wall.turns += turned;
  render();
  if (turned && wall.revealed && wall.packer) showPage(true);
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
  // A dot vote on the screens takes the whole projector while it is there.
  const voting = Boolean(model.vote) && (w.phase === "questions" || w.phase === "synthesis");
  if (voting) view = "vote";
  body.dataset.view = view;
  // Closed to new people: the code and QR code give way to "Joining is closed" (screen.css).
  body.dataset.joining = w.joining_locked ? "closed" : "open";
  ui.lobby.hidden = view !== "lobby";
  ui.question.hidden = view !== "question";
  ui.ended.hidden = view !== "ended" && view !== "ended-canvas";
  ui.canvas.hidden = !canvasShown || voting;
  ui.vote.hidden = !voting;
  if (voting) renderVote();
  if (canvasShown && !voting) {
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
  scheduleRotation();
  renderSpotlight();
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

// The pure rules live in wall-pages.js; here they meet the DOM. Every card is
// measured at the wall's column width in an unseen column, then packed into
// pages; the wall shows one page and says where the others are.

// The narrowest column at each density, in --u (a hundredth of the 16:9 stage's
// width, as in screen.css): about twenty characters of the floor's type a line, so
// a 720p beamer and a 4K screen hold the same page.
const COLUMN_WIDTHS = { xs: 17.5, s: 20, m: 22, l: 25 };

function columnCount(density) {
  const width = ui.wall.clientWidth || window.innerWidth;
  const u = Math.min(window.innerWidth / 100, (window.innerHeight * 1.7778) / 100);
  const size = (COLUMN_WIDTHS[density] || COLUMN_WIDTHS.l) * u;
  return Math.max(1, Math.min(6, Math.floor(width / size)));
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

function orderedAnswers() {
  return Array.from(model.answers.values()).sort((a, b) => a.id - b.id);
}

/** The page's geometry at a density: columns, the height a page holds, the gap between cards. */
function geometry(density) {
  ui.wall.dataset.density = density;
  ui.measure.dataset.density = density;
  // A full wall gives the question's prompt less room, and the answers more.
  ui.question.dataset.crowded = String(density !== "l");
  const columns = columnCount(density);
  const gap = parseFloat(getComputedStyle(ui.wall).rowGap) || 0;
  return { columns, gap, capacity: ui.wall.clientHeight };
}

/** Cut a card after as many lines as one page holds, with an ellipsis: never taller than a page. */
function clampTo(capacity) {
  const probe = ui.measure.querySelector(".wall-card") || cardFor({ id: 0, text: "M" });
  if (!probe.isConnected) ui.measure.append(probe);
  const text = probe.firstChild;
  const lineHeight = parseFloat(getComputedStyle(text).lineHeight);
  const chrome = probe.offsetHeight - text.offsetHeight;
  if (probe.dataset.answerId === "0") {
    probe.remove();
    wall.cards.delete(0);
  }
  const lines = clampLines(capacity, lineHeight, chrome);
  ui.wall.style.setProperty("--wall-lines", String(lines));
  ui.measure.style.setProperty("--wall-lines", String(lines));
}

/**
 * Measure these cards in a column of an unseen copy of the wall's grid, so each is as
 * wide as it will be on the wall to the last fraction of a pixel; returns their heights.
 */
function measure(cards, columns) {
  ui.measure.style.width = `${ui.wall.clientWidth}px`;
  ui.measure.style.setProperty("--columns", String(columns));
  ui.measure.replaceChildren(el("div", { className: "wall-column" }, cards));
  const heights = cards.map((card) => card.getBoundingClientRect().height);
  for (const card of cards) markCut(card);
  ui.measure.replaceChildren();
  return heights;
}

/** Say when a card's text is cut: the ellipsis shows it, and screen readers hear it. */
function markCut(card) {
  const text = card.firstChild;
  const cut = text.scrollHeight > text.clientHeight + 1;
  card.classList.toggle("is-cut", cut);
  if (cut) card.setAttribute("aria-label", `${text.textContent} (shortened on screen)`);
  else card.removeAttribute("aria-label");
}

/**
 * Lay every card out again (new question, reveal, resize, edit, removal): the
 * roomiest density that holds them all on one page, else the densest, on pages.
 */
function relayout(animate) {
  const answers = orderedAnswers();
  const cards = answers.map(cardFor);
  let density = denser(densityFor(answers.length), wall.keepDensity ? wall.density : "l");
  let shape;
  let heights;
  for (;;) {
    shape = geometry(density);
    clampTo(shape.capacity);
    heights = measure(cards, shape.columns);
    const pages = packPages(heights, shape).length;
    if (pages <= 1 || isDensest(density)) break;
    density = DENSITIES[DENSITIES.indexOf(density) + 1];
  }
  wall.density = density;
  wall.shape = shape;
  wall.packer = createPacker(shape);
  wall.placed = new Map();
  answers.forEach((answer, index) => wall.placed.set(answer.id, wall.packer.add(heights[index])));
  wall.order = answers.map((a) => a.id);
  showPage(animate);
}

/** Show the page the turns land on; `animate` brings its cards in one after another. */
function showPage(animate) {
  const pages = wall.packer ? wall.packer.pageCount() : 1;
  wall.page = wrapPage(wall.turns, pages);
  const columns = wall.packer.columnsOf(wall.page).map((items) =>
    el("div", { className: "wall-column", attrs: { role: "presentation" } }, items.map((i) => wall.cards.get(wall.order[i]))),
  );
  wall.columns = columns;
  ui.wall.replaceChildren(...columns);
  ui.wall.style.setProperty("--columns", String(columns.length));
  if (animate) {
    let n = 0;
    for (const column of columns) for (const card of column.children) animateIn(card, Math.min(n++, 24) * 45);
  }
  renderPager();
  scheduleRotation();
}

function renderPager() {
  const total = wall.order.length;
  const pages = wall.packer ? wall.packer.pageCount() : 1;
  // Out of sight but never out of the layout: the wall's height does not change with it.
  ui.pager.dataset.shown = String(total > 0);
  ui.wall.dataset.page = String(wall.page + 1);
  ui.wall.dataset.pages = String(pages);
  setText(ui.pagerText, pagerText(wall.page, pages, total));
  ui.pager.dataset.rotating = String(rotating());
}

/** A new answer: placed after the others without moving them, on whichever page it falls. */
function place(answer) {
  const card = cardFor(answer);
  const [height] = measure([card], wall.shape.columns);
  const spot = wall.packer.add(height);
  // A second page at a density that could still shrink: lay out again, denser.
  if (spot.page > 0 && !isDensest(wall.density) && wall.packer.pageCount() > 1) {
    wall.keepDensity = true;
    relayout(false);
    return;
  }
  wall.placed.set(answer.id, spot);
  wall.order.push(answer.id);
  if (spot.page === wall.page) {
    wall.columns[spot.column].append(card);
    animateIn(card, 0);
  }
  renderPager();
  scheduleRotation();
}

/**
 * Bring the wall in line with the model. A new or newly revealed question lays
 * the cards out afresh; a new answer takes the next place; an edit or a removal
 * lays the wall out again on the page it was showing.
 */
function renderWall() {
  const q = model.question;
  const revealed = Boolean(q && q.revealed);
  ui.waiting.hidden = revealed && model.answers.size > 0;
  setText(
    ui.waitingText,
    revealed ? "Answers appear here as they arrive." : "Answers appear here when the facilitator reveals them.",
  );
  const asCloud = revealed && model.wall.show_as === "cloud";
  const asThemes = revealed && model.wall.show_as === "themes";
  ui.wall.hidden = !revealed || asCloud || asThemes;
  ui.cloud.hidden = !asCloud;
  ui.cloudList.hidden = !asCloud;
  ui.themeBoard.hidden = !asThemes;
  ui.question.dataset.revealed = String(revealed);
  ui.question.dataset.showAs = asCloud ? "cloud" : asThemes ? "themes" : "answers";

  if (!q || !revealed || asCloud || asThemes) {
    wall.questionId = q ? q.id : null;
    wall.revealed = false;
    wall.cards.clear();
    wall.order = [];
    wall.packer = null;
    ui.wall.replaceChildren();
    ui.pager.dataset.shown = "false";
    scheduleRotation();
    if (asCloud) renderCloud();
    if (asThemes) renderThemes();
    return;
  }

  if (wall.questionId !== q.id || !wall.revealed) {
    wall.questionId = q.id;
    wall.revealed = true;
    wall.keepDensity = false;
    wall.turns = model.wall.page;
    wall.cards.clear();
    relayout(true);
    return;
  }

  // Cards only ever get smaller while a question is up: a removal never makes the wall jump back.
  wall.keepDensity = true;
  const gone = wall.order.some((id) => !model.answers.has(id));
  const edited = wall.order.some((id) => wall.cards.get(id).firstChild.textContent !== model.answers.get(id)?.text);
  if (gone || edited) {
    for (const id of Array.from(wall.cards.keys())) if (!model.answers.has(id)) wall.cards.delete(id);
    relayout(false);
    return;
  }
  const known = new Set(wall.order);
  for (const answer of orderedAnswers()) if (!known.has(answer.id)) place(answer);
}

// --- turning pages: on the facilitator's key, or by itself at their pace

function rotating() {
  const seconds = model.wall.rotate_seconds;
  return Boolean(
    seconds > 0 && wall.revealed && wall.packer && wall.packer.pageCount() > 1 && !model.wall.spotlight && !showingCloud(),
  );
}

function scheduleRotation() {
  const seconds = rotating() ? model.wall.rotate_seconds : 0;
  if (seconds === wall.rotateEvery && wall.rotateTimer) return;
  clearInterval(wall.rotateTimer);
  wall.rotateTimer = null;
  wall.rotateEvery = seconds;
  if (seconds) {
    wall.rotateTimer = setInterval(() => {
      wall.turns += 1;
      showPage(true);
    }, seconds * 1000);
  }
}

/** The wall's settings changed: turn by as many pages as the facilitator did. */
function applyWall(next) {
  const before = model.wall;
  model.wall = next;
  if (next.show_as !== before.show_as) {
    renderWall();
    renderSpotlight();
    return;
  }
  if (showingThemes() && next.page !== before.page) renderThemes();
  if (wall.revealed && next.page !== before.page) {
    wall.turns += next.page - before.page;
    clearInterval(wall.rotateTimer);
    wall.rotateTimer = null;
    if (wall.packer) showPage(true);
  }
  scheduleRotation();
  renderSpotlight();
}

// --- a dot vote: ranked bars, or what is voted on until the results may be shown

// Bars that stay readable from the back of the room; the rest are counted, never dropped.
const VOTE_BARS = 10;
const VOTE_ITEMS = 24;
const voteRows = new Map();

function voteRow(item, withResults) {
  let row = voteRows.get(item.id);
  if (!row || row.dataset.results !== String(withResults)) {
    const label = el("span", { className: "vote-row-label", attrs: { dir: "auto" } });
    const fill = el("span", { className: "vote-row-fill" });
    const count = el("span", { className: "vote-row-count" });
    const parts = withResults ? [label, el("span", { className: "vote-row-track", attrs: { "aria-hidden": "true" } }, [fill]), count] : [label];
    row = el("li", { className: withResults ? "vote-row" : "vote-chip", data: { itemId: item.id, results: withResults } }, parts);
    row.parts = { label, fill, count };
    voteRows.set(item.id, row);
  }
  setText(row.parts.label, item.label);
  if (withResults) {
    setText(row.parts.count, String(item.dots));
    row.parts.fill.style.inlineSize = `${Math.round(item.share * 100)}%`;
    row.setAttribute("aria-label", barLabel(item));
  }
  return row;
}

function renderVote() {
  const vote = model.vote;
  if (!vote) return;
  setText(ui.voteTitle, vote.title);
  const bars = rankedBars(vote);
  const withResults = bars.length > 0;
  const items = withResults ? bars : vote.items || [];
  const most = withResults ? VOTE_BARS : VOTE_ITEMS;
  const shown = items.slice(0, most);
  reconcile(ui.voteBoard, shown.map((item) => voteRow(item, withResults)));
  for (const id of Array.from(voteRows.keys())) if (!items.some((i) => i.id === id)) voteRows.delete(id);
  ui.voteBoard.dataset.results = String(withResults);
  const rest = items.length - shown.length;
  const more = rest > 0 ? ` · and ${plural(rest, "more item")}${withResults ? ", fewer dots" : ""}` : "";
  setText(ui.voteTurnout, `${turnoutText(vote)}${more}`);
  setText(ui.voteNote, resultsNote(vote));
}

// --- the themes the facilitator accepted: a board of cards, a page at a time

const themeBoard = { cards: new Map() };

function showingThemes() {
  const q = model.question;
  return Boolean(q && q.revealed && model.wall.show_as === "themes");
}

function themeCard(theme) {
  let card = themeBoard.cards.get(theme.id);
  if (!card) {
    const label = el("h2", { className: "theme-board-label", attrs: { dir: "auto" } });
    const count = el("p", { className: "theme-board-count" });
    const samples = el("ul", { className: "theme-board-samples list-plain", attrs: { role: "list" } });
    card = el("li", { className: "theme-board-card", data: { themeId: theme.id } }, [label, count, samples]);
    card.parts = { label, count, samples };
    themeBoard.cards.set(theme.id, card);
  }
  const p = card.parts;
  setText(p.label, theme.label);
  setText(p.count, plural(theme.count, "answer"));
  const signature = theme.samples.map((a) => `${a.id}:${a.text}`).join("|");
  if (p.samples.dataset.signature !== signature) {
    p.samples.dataset.signature = signature;
    p.samples.replaceChildren(...theme.samples.map((a) => el("li", { className: "theme-board-sample", text: a.text, attrs: { dir: "auto" } })));
  }
  return card;
}

/** Draw the page of themes the facilitator turned to, and say where every answer is. */
function renderThemes() {
  const q = model.question;
  const view = model.themes && q && model.themes.question_id === q.id ? model.themes : null;
  const themes = view ? view.themes : [];
  const { page, pages, shown } = boardPage(themes, model.wall.page);
  reconcile(ui.themeBoard, shown.map(themeCard));
  for (const id of Array.from(themeBoard.cards.keys())) if (!themes.some((t) => t.id === id)) themeBoard.cards.delete(id);
  ui.themeBoard.dataset.count = String(shown.length);
  ui.waiting.hidden = themes.length > 0;
  setText(ui.waitingText, "The facilitator is gathering the answers into themes.");
  setText(ui.pagerText, boardSummary(view, page, pages));
  ui.pager.dataset.shown = String(Boolean(view));
}

// --- the word cloud: what the room said most, largest, in the middle

const CLOUD_WORDS = 60;
const CLOUD_TONES = 5;
const cloud = { questionId: null, words: new Map(), placed: new Map() };

function showingCloud() {
  const q = model.question;
  return Boolean(q && q.revealed && model.wall.show_as === "cloud");
}

function cloudWord(key) {
  let node = cloud.words.get(key);
  if (!node) {
    node = el("span", { className: "cloud-word is-new", attrs: { dir: "auto" } });
    cloud.words.set(key, node);
  }
  return node;
}

/**
 * Draw the cloud from the latest counts. Each word is measured at its size, then
 * placed (word-cloud.js); a word that kept its size keeps its place, and the
 * others glide to theirs. The ranked list says the same to screen readers.
 */
function renderCloud() {
  const q = model.question;
  if (cloud.questionId !== q.id) {
    // Another question's cloud starts afresh.
    cloud.questionId = q.id;
    for (const node of cloud.words.values()) node.remove();
    cloud.words.clear();
    cloud.placed.clear();
  }
  const view = model.cloud && model.cloud.question_id === q.id ? model.cloud : null;
  const all = view ? view.words : [];
  const shown = all.slice(0, CLOUD_WORDS);
  const floor = parseFloat(getComputedStyle(ui.cloud).fontSize) || 16;
  const width = ui.cloud.clientWidth;
  const height = ui.cloud.clientHeight;
  const sizes = sizesFor(
    shown.map((w) => w.count),
    { smallest: floor, largest: Math.min(floor * 4, height / 3) },
  );
  const keys = new Set(shown.map((w) => w.key));
  for (const [key, node] of cloud.words) {
    if (!keys.has(key)) {
      node.remove();
      cloud.words.delete(key);
      cloud.placed.delete(key);
    }
  }
  const nodes = shown.map((word, rank) => {
    const node = cloudWord(word.key);
    setText(node, word.label);
    node.dataset.tone = String(rank % CLOUD_TONES);
    node.style.fontSize = `${sizes[rank]}px`;
    if (!node.isConnected) ui.cloud.append(node);
    return node;
  });
  // One layout for every measure; a word wider than the screen is made to fit it.
  const boxes = nodes.map((node, rank) => {
    let w = Math.ceil(node.offsetWidth);
    if (w > width) {
      node.style.fontSize = `${Math.floor((sizes[rank] * width) / w) - 1}px`;
      w = Math.ceil(node.offsetWidth);
    }
    return { key: shown[rank].key, w, h: Math.ceil(node.offsetHeight) };
  });
  const spots = placeWords(boxes, { width, height, gap: Math.round(floor / 3), previous: cloud.placed });
  let drawn = 0;
  spots.forEach((spot, rank) => {
    const node = nodes[rank];
    const box = boxes[rank];
    node.hidden = spot === null;
    if (spot === null) {
      cloud.placed.delete(box.key);
      return;
    }
    drawn += 1;
    node.style.transform = `translate(${spot.x}px, ${spot.y}px)`;
    cloud.placed.set(box.key, { ...spot, w: box.w, h: box.h });
    if (node.classList.contains("is-new")) {
      // Its place is taken in before the fade starts: a new word never glides in.
      void node.offsetWidth;
      requestAnimationFrame(() => node.classList.remove("is-new"));
    }
  });
  ui.cloud.dataset.drawn = String(drawn);
  ui.waiting.hidden = all.length > 0;
  reconcileCloudList(all);
  ui.pager.dataset.shown = String(all.length > 0);
  setText(ui.pagerText, cloudSummary(drawn, all.length, view ? view.answers : 0));
}

function reconcileCloudList(words) {
  const items = words.map((w) => el("li", { text: `${w.label}: ${w.count === 1 ? "1 answer" : `${w.count} answers`}`, attrs: { dir: "auto" } }));
  ui.cloudList.replaceChildren(...items);
}

// --- the spotlight: one answer, full-screen, as large as it fits

const SPOTLIGHT_STEPS = 10;

function renderSpotlight() {
  const spot = model.wall.spotlight;
  const shown = Boolean(spot) && body.dataset.view === "question";
  ui.spotlight.hidden = !shown;
  ui.question.classList.toggle("is-behind-spotlight", shown);
  if (!shown) return;
  setText(ui.spotlightPrompt, model.question ? model.question.prompt : "");
  setText(ui.spotlightText, spot.text);
  // Step the type down until the whole answer fits: a spotlight is never cut.
  let size = 0;
  ui.spotlightText.dataset.size = "0";
  const box = ui.spotlightBox;
  while (size < SPOTLIGHT_STEPS - 1 && box.scrollHeight > box.clientHeight + 1) {
    size += 1;
    ui.spotlightText.dataset.size = String(size);
  }
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (wall.revealed && wall.packer) relayout(false);
    if (showingCloud()) {
      cloud.placed.clear();
      renderCloud();
    }
    renderSpotlight();
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
