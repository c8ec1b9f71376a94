// The facilitator's console: drive the room, watch answers arrive, moderate.
//
// A `state` replaces everything; `answer`, `answer_removed` and `participant`
// update in place, deduplicated by id (docs/protocol.md). The synthesis (the
// canvas built from the answers) lives in synthesis.js.

import {
  announce,
  announceTimer,
  byId,
  clearError,
  connectLive,
  countdownState,
  createCountdown,
  el,
  formatClock,
  isTyping,
  listWords,
  plural,
  quote,
  reconcile,
  setText,
  showError,
  spokenDuration,
  timerStartWords,
} from "./live.js";
import { LIST_PAGE, listWindow, moreLabel, nextLimit, windowSummary } from "./list-window.js";
import { createSynthesis } from "./synthesis.js";
import { groupable, questionScope, replaceScope, scopeThemes, unthemed } from "./themes-core.js";
import { createThemesPanel } from "./themes-panel.js";
import { createVotePanel } from "./vote-panel.js";

const body = document.body;
const workshopId = Number(body.dataset.workshopId);

const ui = {
  phaseTag: byId("phase-tag"),
  title: byId("workshop-title"),
  lobbyPanel: byId("lobby-panel"),
  questionPanel: byId("question-panel"),
  endedPanel: byId("ended-panel"),
  lobbyCount: byId("lobby-count"),
  firstPrompt: byId("first-prompt"),
  endedSummary: byId("ended-summary"),
  section: byId("current-section"),
  number: byId("current-number"),
  prompt: byId("current-prompt"),
  hint: byId("current-hint"),
  controls: byId("controls"),
  shortcuts: byId("shortcuts"),
  otherTitle: byId("other-answers-title"),
  start: byId("btn-start"),
  previous: byId("btn-previous"),
  next: byId("btn-next"),
  navError: byId("nav-error"),
  answering: byId("btn-answering"),
  answeringTag: byId("answering-state"),
  answeringError: byId("answering-error"),
  reveal: byId("btn-reveal"),
  revealTag: byId("reveal-state"),
  revealError: byId("reveal-error"),
  wallBack: byId("btn-wall-back"),
  wallOn: byId("btn-wall-on"),
  wallRotate: byId("wall-rotate"),
  showAnswers: byId("btn-show-answers"),
  showCloud: byId("btn-show-cloud"),
  showThemes: byId("btn-show-themes"),
  themesSlot: byId("themes-slot"),
  voteSlot: byId("vote-slot"),
  answersUnthemed: byId("answers-unthemed"),
  answersUnthemedLabel: byId("answers-unthemed-label"),
  cloudPanel: byId("cloud-panel"),
  cloudSummary: byId("cloud-summary"),
  cloudWords: byId("cloud-words"),
  cloudEmpty: byId("cloud-empty"),
  cloudHidden: byId("cloud-hidden"),
  cloudHiddenWords: byId("cloud-hidden-words"),
  cloudError: byId("cloud-error"),
  spotlightOff: byId("btn-spotlight-off"),
  timerDisplay: byId("timer-display"),
  nextStep: byId("next-step-text"),
  timerPresets: Array.from(document.querySelectorAll(".timer-preset")),
  timerStop: byId("btn-timer-stop"),
  timerError: byId("timer-error"),
  questionList: byId("question-list"),
  gotoError: byId("goto-error"),
  answersTitle: byId("answers-title"),
  answeredSummary: byId("answered-summary"),
  currentAnswers: byId("current-answers"),
  answersEmpty: byId("answers-empty"),
  answersSection: byId("answers-section"),
  otherSection: byId("other-answers"),
  otherList: byId("other-questions"),
  participantSummary: byId("participant-summary"),
  participantList: byId("participant-list"),
  participantsEmpty: byId("participants-empty"),
  participantsTools: byId("participants-tools"),
  participantsFilter: byId("participants-filter"),
  participantsShown: byId("participants-shown"),
  participantsMore: byId("participants-more"),
  answersTools: byId("answers-tools"),
  answersFilter: byId("answers-filter"),
  answersShown: byId("answers-shown"),
  answersMore: byId("answers-more"),
  participantsError: byId("participants-error"),
  participantsTitle: byId("participants-title"),
  lockJoining: byId("btn-lock-joining"),
  lockStatus: byId("join-lock-status"),
  lockError: byId("lock-error"),
  end: byId("btn-end"),
  endConfirm: byId("end-confirm"),
  endConfirmYes: byId("btn-end-confirm"),
  endConfirmNo: byId("btn-end-cancel"),
  endError: byId("end-error"),
  fatal: byId("console-fatal"),
  synthesisPanel: byId("synthesis-panel"),
  synthesisSection: byId("synthesis"),
  synthesisButton: byId("btn-synthesis"),
  synthesisHelp: byId("synthesis-help"),
  backToQuestions: byId("btn-back-to-questions"),
  sealVersion: byId("btn-seal-version"),
  synthesisError: byId("synthesis-error"),
  copyLink: document.getElementById("copy-join-link"),
};

// ------------------------------------------------------------------ the model

const model = {
  workshop: null,
  questions: [],
  participants: new Map(),
  answers: new Map(),
  counts: null,
  versions: [],
  // The projector's wall: pages turned, its pace, the spotlit answer's id.
  wall: { page: 0, rotate_seconds: 0, spotlight: null, show_as: "answers", hidden_words: [] },
  // The current question's word cloud, when it is shown as one.
  cloud: null,
  // Every theme of the workshop, suggested or accepted, each with its scope (themes-core.js).
  themes: [],
  // The dot vote on the screens, with its results (vote-bars.js), and the canvas's fields.
  vote: null,
  votes: [],
  fields: [],
};

let initialised = false;
let synthesis = null;
const busy = new Set();
// Answers that arrived live since the last render, for the arrival highlight.
const fresh = new Set();

// Past this many characters or lines, an answer card is cut with an ellipsis and a "More".
const LONG_ANSWER = 280;
const LONG_LINES = 5;

// DOM kept per id, so updates never rebuild what a person may be focused on.
const cards = new Map();
const people = new Map();
const jumpButtons = new Map();
const groups = new Map();
let questionsRendered = "";

function currentQuestion() {
  const w = model.workshop;
  if (!w || w.phase !== "questions" || w.position === null) return null;
  return model.questions[w.position] || null;
}

// ------------------------------------------------------------------ connection

// Why the server closed this console (a logout, a password change, leaving the team):
// the rejoin that follows is refused, and this says why better than "does not exist".
let ended = null;

const live = connectLive({
  joinEvent: "console:join",
  joinPayload: { workshop_id: workshopId },
  onJoined(ack) {
    if (!ack.stale) applyState(ack.state);
    ui.fatal.hidden = true;
  },
  onJoinFailed(error) {
    showError(ui.fatal, ended ? ended.message : error.message);
    ui.fatal.hidden = false;
  },
});

live.on("session:ended", (why) => {
  ended = why;
  showError(ui.fatal, why.message);
  ui.fatal.hidden = false;
});

// The countdown speaks in its own live region, at its start, 1 minute, 30 and 10
// seconds, and its end; the clock itself (role=timer) ticks silently.
const countdown = createCountdown(live.clock, {
  onTick: renderTimer,
  onStart: (timer) => announceTimer(timerStartWords(timer)),
  onMilestone: (seconds) => announceTimer(`${spokenDuration(seconds)} left on the timer.`),
  onEnd: () => {
    announceTimer("Time is up. Answering has closed.");
    render();
  },
  onStop: () => {
    if (currentQuestion()) announceTimer("Timer stopped.");
  },
});

live.on("state", applyState);

// The room moved within the questions: only the pointer, the questions and the counts.
live.on("moved", (move) => {
  if (model.workshop && move.seq <= model.workshop.seq) return; // a newer snapshot has it
  applyState({ ...move, audience: "console" });
});

synthesis = createSynthesis({
  live,
  model,
  requestRender: (now) => (now ? render() : scheduleRender()),
  ui: {
    nav: byId("field-nav"),
    fields: byId("syn-fields"),
    versionsList: byId("versions-list"),
    versionsEmpty: byId("versions-empty"),
    canvasUrl: body.dataset.canvasUrl,
  },
});

live.on("canvas_field", ({ field }) => {
  if (field) synthesis.receive(field);
});

live.on("reactions", ({ field, reactions }) => synthesis.reactions(field, reactions));

live.on("wall", ({ wall }) => applyWall(wall));

live.on("themes", ({ scope, themes }) => applyThemes(scope, themes));

// Dots arrive coalesced; results of a vote no longer on the screens are old news.
live.on("vote_results", (vote) => {
  if (!model.vote || model.vote.id !== vote.id) return;
  // Coalesced results read before the close may arrive after its state: never reopen it.
  if (model.vote.status === "closed" && vote.status !== "closed") return;
  model.vote = vote;
  scheduleRender();
});

live.on("cloud", (cloud) => {
  model.cloud = cloud;
  scheduleRender();
});

// The share link was made anew or switched off (on the canvas page): nothing to redraw
// here, but the message is numbered, so it is followed like every other.
live.on("share", ({ share_token: token }) => {
  model.shareToken = token ?? null;
});

live.on("answer", ({ answer, counts }) => {
  const known = model.answers.get(answer.id);
  // Deltas can arrive twice or out of order around a resync: keep the newest.
  if (!known || answer.updated_at >= known.updated_at) {
    model.answers.set(answer.id, answer);
    if (!known && initialised) fresh.add(answer.id);
  }
  if (counts) model.counts = counts;
  scheduleRender();
});

live.on("answer_removed", ({ id, counts }) => {
  model.answers.delete(id);
  if (counts) model.counts = counts;
  scheduleRender();
});

// The live numbers arrive coalesced, a few times a second at most.
live.on("counts", (counts) => {
  model.counts = counts;
  scheduleRender();
});

live.on("participant", ({ participant, counts }) => {
  model.participants.set(participant.id, participant);
  if (counts) model.counts = counts;
  scheduleRender();
});

function applyState(state) {
  if (!state || state.audience !== "console") return;
  const before = currentQuestion();
  model.workshop = state.workshop;
  model.questions = state.questions || [];
  // A move within the questions (`moved`) carries no people, answers or canvas: they stay.
  if (state.participants) model.participants = new Map(state.participants.map((p) => [p.id, p]));
  if (state.answers) model.answers = new Map(state.answers.map((a) => [a.id, a]));
  model.counts = state.counts || null;
  if (state.wall) model.wall = state.wall;
  if ("cloud" in state) model.cloud = state.cloud;
  if (state.themes) model.themes = state.themes;
  if ("vote" in state) model.vote = state.vote;
  if (state.votes) model.votes = state.votes;
  if (state.canvas) model.fields = state.canvas.fields.map((f) => ({ key: f.key, label: f.label }));
  if (state.canvas) model.versions = state.canvas.versions || [];
  const after = currentQuestion();
  const wasPhase = initialised && model.phase;
  model.phase = state.workshop.phase;
  initialised = true;
  synthesis.applyCanvas(state.canvas);
  render();
  if (before && !after && state.workshop.phase === "ended") announce("The workshop has ended.");
  else if (state.workshop.phase === "synthesis" && wasPhase && wasPhase !== "synthesis") {
    announce("Synthesis: build the canvas from the answers.");
  }
  else if (after && (!before || before.id !== after.id)) {
    // From the page's live region, which was there all along: the question's heading
    // may only just have appeared, and a new region is not reliably read out.
    announce(`Question ${after.number} of ${after.total}: ${after.prompt}`);
  }
}

// ------------------------------------------------------------------ rendering

let renderQueued = false;

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  // Coalesce a burst of answers into one pass.
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 30);
}

function accepting() {
  const w = model.workshop;
  return Boolean(w && w.accepting && !countdown.expired());
}

function render() {
  const w = model.workshop;
  if (!w) return;
  // Timed in the browser's own performance timeline (bench/console_browser.py reads it).
  performance.mark("console-render-start");
  const focused = document.activeElement;
  countdown.set(w.timer);
  renderWorkshop();
  renderQuestionList();
  renderAnswers();
  renderParticipants();
  renderCounts();
  renderNextStep();
  renderLock();
  if (w.phase === "synthesis") synthesis.render();
  renderVote();
  fresh.clear();
  // A control that went away under the keyboard focus (Start once started, Next on
  // the last question) hands the focus on instead of dropping it on the page.
  if (FOCUS_NEXT.has(focused) && !busy.has(focused) && !usable(focused)) keepFocus(focused);
  performance.measure("console-render", "console-render-start");
  // Only the latest few are kept: a long workshop renders thousands of times.
  if (performance.getEntriesByName("console-render").length > 200) performance.clearMeasures("console-render");
}

// Where the focus goes when a driving control goes away or is switched off.
const FOCUS_NEXT = new Map([
  [ui.start, [ui.next]],
  [ui.next, [ui.synthesisButton, ui.previous]],
  [ui.previous, [ui.next]],
  [ui.timerStop, ui.timerPresets.slice(0, 1)],
]);

function usable(node) {
  return Boolean(node) && node.isConnected && !node.disabled && !node.hidden && node.offsetParent !== null;
}

/** Give the focus back to `button`, or to the control that takes its place. */
function keepFocus(button) {
  const active = document.activeElement;
  // The focus moved somewhere on purpose: leave it there.
  if (active && active !== document.body && active !== button && active.isConnected) return;
  const target = [button, ...(FOCUS_NEXT.get(button) || [])].find(usable);
  if (target) target.focus();
}

/** One line saying what the facilitator would do next, with its shortcut. */
function renderNextStep() {
  const w = model.workshop;
  const q = currentQuestion();
  let text = "";
  if (w.phase === "lobby") {
    text = model.participants.size
      ? `Start the workshop when the room is ready (→ or N). ${plural(model.participants.size, "person", "people")} here.`
      : "Share the code or the QR code. People appear on the right as they join.";
  } else if (q) {
    const c = model.counts && model.counts.question_id === q.id ? model.counts : null;
    const answered = c ? c.answered : answeredNow().size;
    const everyone = c ? c.participants : model.participants.size;
    const last = q.position >= model.questions.length - 1;
    const onwards = last ? "then build the canvas" : "then go to the next question (→ or N)";
    if (q.revealed) text = `Discuss the answers on the projector, ${onwards}.`;
    else if (everyone && answered >= everyone) text = "Everyone has answered. Reveal the answers (R) to discuss them.";
    else if (!accepting()) text = `Answering is closed. Reveal the answers (R), or open answering again.`;
    else text = `Give people time to answer: ${answered} of ${everyone} so far. Then reveal the answers (R).`;
  }
  setText(ui.nextStep, text);
  ui.nextStep.parentElement.hidden = !text;
}

function renderWorkshop() {
  const w = model.workshop;
  const q = currentQuestion();
  setText(ui.title, w.title);
  setText(ui.phaseTag, w.phase === "questions" && q ? `Live · question ${q.number} of ${q.total}` : w.phase_label);
  ui.phaseTag.dataset.phase = w.phase;
  body.dataset.phase = w.phase;

  const synthesising = w.phase === "synthesis";
  ui.lobbyPanel.hidden = w.phase !== "lobby";
  ui.questionPanel.hidden = !q;
  ui.endedPanel.hidden = w.phase !== "ended";
  ui.synthesisPanel.hidden = !synthesising;
  ui.synthesisSection.hidden = !synthesising;
  ui.controls.hidden = w.phase === "ended" || synthesising;
  ui.shortcuts.hidden = w.phase === "ended" || synthesising;
  setText(ui.otherTitle, w.phase === "ended" ? "Answers by question" : "Answers to the other questions");
  ui.answersSection.hidden = !q;

  const first = model.questions[0];
  setText(ui.firstPrompt, first ? first.prompt : "");

  if (q) {
    setText(ui.section, q.section_label);
    setText(ui.number, `Question ${q.number} of ${q.total}`);
    setText(ui.prompt, q.prompt);
    setText(ui.hint, q.hint);
    setText(ui.answersTitle, `Answers to question ${q.number}`);
  }

  // Navigation
  ui.start.hidden = w.phase !== "lobby";
  ui.previous.hidden = w.phase !== "questions";
  ui.next.hidden = w.phase !== "questions";
  ui.start.disabled = busy.has(ui.start) || model.questions.length === 0;
  ui.previous.disabled = busy.has(ui.previous) || !q || q.position === 0;
  ui.next.disabled = busy.has(ui.next) || !q || q.position >= model.questions.length - 1;
  // The synthesis is open to the facilitator at any time; after the last question it is the way on.
  const last = Boolean(q && q.position >= model.questions.length - 1);
  ui.synthesisButton.hidden = w.phase !== "questions";
  ui.synthesisHelp.hidden = !last || w.phase !== "questions";
  ui.synthesisButton.classList.toggle("btn-primary", last);
  ui.synthesisButton.disabled = busy.has(ui.synthesisButton);
  ui.backToQuestions.disabled = busy.has(ui.backToQuestions);

  // Answering
  const open = accepting();
  const timeUp = Boolean(q && w.answering_open && !open);
  ui.answering.disabled = !q || busy.has(ui.answering);
  setText(ui.answering, open ? "Close answering" : timeUp ? "Reopen answering" : "Open answering");
  ui.answering.dataset.open = String(open);
  setText(ui.answeringTag, !q ? "Not started" : open ? "Open" : timeUp ? "Time's up" : "Closed");
  ui.answeringTag.className = `tag ${open ? "tag-success" : "tag-warning"}`;

  // Reveal
  const revealed = Boolean(q && q.revealed);
  ui.reveal.disabled = !q || busy.has(ui.reveal);
  ui.reveal.setAttribute("aria-pressed", String(revealed));
  setText(ui.reveal.querySelector(".btn-label"), revealed ? "Hide answers" : "Reveal answers");
  setText(ui.revealTag, revealed ? "Shown" : "Hidden");
  ui.revealTag.className = `tag ${revealed ? "tag-success" : ""}`.trim();

  // The wall's pages and the spotlight
  ui.wallBack.disabled = !revealed;
  ui.wallOn.disabled = !revealed;
  ui.wallRotate.disabled = !q || busy.has(ui.wallRotate);
  if (document.activeElement !== ui.wallRotate) ui.wallRotate.value = String(model.wall.rotate_seconds);
  ui.spotlightOff.hidden = model.wall.spotlight === null;
  for (const [button, pressed] of [
    [ui.showAnswers, model.wall.show_as === "answers"],
    [ui.showCloud, model.wall.show_as === "cloud"],
    [ui.showThemes, model.wall.show_as === "themes"],
  ]) {
    button.setAttribute("aria-pressed", String(pressed));
    button.disabled = !q || busy.has(button);
  }
  renderCloudPanel();
  renderThemes();

  // Timer
  for (const preset of ui.timerPresets) preset.disabled = !q || busy.has(preset);
  ui.timerStop.disabled = !w.timer || busy.has(ui.timerStop);

  // End
  ui.end.hidden = w.phase === "ended";
  if (w.phase === "ended") ui.endConfirm.hidden = true;
  const latest = model.versions.length ? model.versions[model.versions.length - 1] : null;
  setText(
    ui.endedSummary,
    `${plural(model.participants.size, "participant")} took part and sent ${plural(model.answers.size, "answer")}.` +
      (latest ? ` The canvas is saved as version ${latest.number}.` : " No canvas was built."),
  );
}

function renderTimer(left) {
  const state = countdownState(currentQuestion() ? left : null);
  setText(ui.timerDisplay, state === "idle" ? "No timer" : state === "done" ? "Time's up" : formatClock(left));
  ui.timerDisplay.dataset.state = state;
}

function renderQuestionList() {
  const signature = model.questions.map((q) => q.id).join(",");
  if (signature !== questionsRendered) {
    questionsRendered = signature;
    jumpButtons.clear();
    const items = [];
    let section = null;
    for (const q of model.questions) {
      if (q.section !== section) {
        section = q.section;
        items.push(el("li", { className: "question-section", text: q.section_label, attrs: { "aria-hidden": "true" } }));
      }
      const count = el("span", { className: "question-jump-count" });
      const now = el("span", { className: "question-jump-now", text: "Now on screen" });
      const button = el(
        "button",
        { className: "question-jump", attrs: { type: "button" }, data: { position: q.position, questionId: q.id } },
        [
          el("span", { className: "question-jump-number", text: q.number }),
          el("span", { className: "question-jump-text" }, [
            now,
            el("span", { className: "visually-hidden", text: `${q.section_label}, question ${q.number}: ` }),
            el("span", { text: q.prompt }),
          ]),
          count,
        ],
      );
      button.addEventListener("click", () => goto(q.position, button));
      jumpButtons.set(q.position, { button, count, now });
      items.push(el("li", {}, [button]));
    }
    ui.questionList.replaceChildren(...items);
    buildGroups();
  }
  const q = currentQuestion();
  const perQuestion = answerCounts();
  const w = model.workshop;
  for (const [position, { button, count, now }] of jumpButtons) {
    const current = Boolean(q && q.position === position);
    button.classList.toggle("is-current", current);
    if (current) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
    now.hidden = !current;
    button.disabled = (w.phase !== "questions" && w.phase !== "synthesis") || busy.has(button);
    const question = model.questions[position];
    const n = perQuestion.get(question.id) || 0;
    setText(count, n ? String(n) : "");
    count.hidden = !n;
    if (n) count.setAttribute("aria-label", plural(n, "answer"));
    else count.removeAttribute("aria-label");
  }
}

function answerCounts() {
  const counts = new Map();
  for (const answer of model.answers.values()) {
    counts.set(answer.question_id, (counts.get(answer.question_id) || 0) + 1);
  }
  return counts;
}

function buildGroups() {
  groups.clear();
  const items = model.questions.map((q) => {
    const countTag = el("span", { className: "tag" });
    const list = el("ol", { className: "answer-grid answer-grid-compact", attrs: { role: "list" } });
    const empty = el("p", { className: "muted empty-note", text: "No answers to this question." });
    const more = el("button", { className: "btn btn-sm list-more", attrs: { type: "button" } });
    const details = el("details", { className: "question-answers card", data: { questionId: q.id } }, [
      el("summary", {}, [
        el("span", { className: "question-answers-number", text: `Q${q.number}` }),
        el("span", { className: "question-answers-prompt", text: q.prompt }),
        countTag,
      ]),
      el("div", { className: "question-answers-body" }, [empty, list, more]),
    ]);
    const group = { details, list, countTag, empty, more, limit: LIST_PAGE, matching: 0 };
    // A closed question holds no cards: they are made when it is opened.
    details.addEventListener("toggle", () => renderAnswers());
    more.addEventListener("click", () => {
      group.limit = nextLimit(group.limit, group.matching);
      renderAnswers();
    });
    groups.set(q.id, group);
    return details;
  });
  ui.otherList.replaceChildren(...items);
}

function cardFor(answer) {
  let card = cards.get(answer.id);
  if (!card) {
    // dir="auto" on each piece of people's text: Arabic or Hebrew reads right to left.
    const text = el("p", { className: "answer-text", attrs: { dir: "auto" } });
    const author = el("span", { className: "answer-author", attrs: { dir: "auto" } });
    // Quiet, and in words: the author changed the text (hiding does not count).
    const edited = el("span", { className: "edited-mark", text: "(edited)" });
    const hiddenTag = el("span", { className: "tag tag-danger answer-hidden-tag", text: "Hidden" });
    const toggle = el("button", { className: "btn btn-sm answer-toggle", attrs: { type: "button" } });
    const spot = el("button", { className: "btn btn-sm btn-ghost answer-spotlight", attrs: { type: "button" } });
    // A long answer is cut after a few lines with an ellipsis; "More" shows it all.
    const more = el("button", { className: "btn-link answer-more", attrs: { type: "button", "aria-expanded": "false" } });
    const error = el("p", { className: "control-error answer-error", attrs: { role: "alert" } });
    card = el("li", { className: "answer-card", data: { answerId: answer.id } }, [
      text,
      more,
      el("div", { className: "answer-meta" }, [author, edited, hiddenTag, spot, toggle]),
      error,
    ]);
    card.parts = { text, author, edited, hiddenTag, toggle, spot, more, error };
    toggle.addEventListener("click", () => toggleHidden(Number(card.dataset.answerId), toggle, error));
    spot.addEventListener("click", () => spotlight(Number(card.dataset.answerId), spot, error));
    more.addEventListener("click", () => {
      const open = card.dataset.expanded !== "true";
      card.dataset.expanded = String(open);
      more.setAttribute("aria-expanded", String(open));
      setText(more, open ? "Less" : "More");
    });
    cards.set(answer.id, card);
  }
  const { text, author, edited, hiddenTag, toggle, spot, more } = card.parts;
  setText(text, answer.text);
  const long = Array.from(answer.text).length > LONG_ANSWER || answer.text.split("\n").length > LONG_LINES;
  card.classList.toggle("is-long", long);
  more.hidden = !long;
  if (!long) card.dataset.expanded = "false";
  setText(more, card.dataset.expanded === "true" ? "Less" : "More");
  const q = currentQuestion();
  const lit = model.wall.spotlight === answer.id;
  spot.hidden = answer.hidden || !q || q.id !== answer.question_id;
  spot.setAttribute("aria-pressed", String(lit));
  setText(spot, lit ? "In the spotlight" : "Spotlight");
  // The visible words first, so a voice command that says them finds the button.
  spot.setAttribute(
    "aria-label",
    lit ? `In the spotlight: ${quote(answer.text, 30)}, press to end` : `Spotlight ${quote(answer.text, 30)} full-screen on the projector`,
  );
  spot.disabled = busy.has(spot);
  card.classList.toggle("is-spotlit", lit);
  setText(author, answer.author_removed ? `${answer.author} (removed)` : answer.author);
  edited.hidden = !answer.edited;
  card.dataset.edited = String(Boolean(answer.edited));
  card.dataset.hidden = String(answer.hidden);
  card.dataset.questionId = String(answer.question_id);
  card.classList.toggle("is-hidden", answer.hidden);
  hiddenTag.hidden = !answer.hidden;
  setText(toggle, answer.hidden ? "Show" : "Hide");
  toggle.setAttribute(
    "aria-label",
    // The answer's own words tell one person's answers apart (its author does not).
    answer.hidden
      ? `Show ${quote(answer.text, 30)} by ${answer.author} on the projector again`
      : `Hide ${quote(answer.text, 30)} by ${answer.author} from the projector`,
  );
  // A removed person's answers stay hidden: there is nothing to show again.
  toggle.hidden = Boolean(answer.author_removed);
  toggle.disabled = busy.has(toggle);
  return card;
}

// How far down each long list the facilitator has asked to see ("Show more").
const lists = {
  answers: { limit: LIST_PAGE, questionId: null, matching: 0 },
  people: { limit: LIST_PAGE, matching: 0 },
};

function answerWords(answer) {
  return `${answer.text} ${answer.author}`;
}

/** Say what a windowed list holds, and offer the rest a page at a time. */
function paintWindow(view, query, summary, more, noun) {
  setText(summary, windowSummary(view, query, noun));
  summary.hidden = summary.textContent === "";
  const label = moreLabel(view);
  more.hidden = label === "";
  setText(more, label);
}

/**
 * The answers, newest first: what just arrived is what the facilitator looks for.
 * Only the cards on show are made or updated, so a question with 2,000 answers costs
 * a render what fifty do; the filter searches them all.
 */
function renderAnswers() {
  const q = currentQuestion();
  const byQuestion = new Map();
  const sorted = Array.from(model.answers.values()).sort((a, b) => b.id - a.id);
  for (const answer of sorted) {
    if (!byQuestion.has(answer.question_id)) byQuestion.set(answer.question_id, []);
    byQuestion.get(answer.question_id).push(answer);
  }
  for (const id of Array.from(cards.keys())) {
    if (!model.answers.has(id)) cards.delete(id);
  }

  if (lists.answers.questionId !== (q ? q.id : null)) {
    // Another question: its list starts at the top again, unfiltered.
    lists.answers = { limit: LIST_PAGE, questionId: q ? q.id : null, matching: 0 };
    ui.answersFilter.value = "";
  }
  const all = q ? byQuestion.get(q.id) || [] : [];
  const query = ui.answersFilter.value;
  // "Not yet in a theme": what the facilitator still has to place.
  const themed = q ? scopeThemes(model.themes, questionScope(q.id), model.answers) : [];
  ui.answersUnthemedLabel.hidden = themed.length === 0;
  const loose = themed.length && ui.answersUnthemed.checked ? unthemed(all, themed) : all;
  const view = listWindow(loose, { query, wordsOf: answerWords, limit: lists.answers.limit });
  lists.answers.matching = view.matching;
  reconcile(ui.currentAnswers, view.shown.map(cardFor));
  ui.answersEmpty.hidden = all.length > 0;
  ui.answersTools.hidden = all.length <= LIST_PAGE && query === "" && themed.length === 0;
  paintWindow(view, query, ui.answersShown, ui.answersMore, "answer");

  let others = 0;
  for (const [questionId, group] of groups) {
    const isCurrent = Boolean(q && q.id === questionId);
    const list = isCurrent ? [] : byQuestion.get(questionId) || [];
    group.details.hidden = isCurrent;
    if (!isCurrent) others += 1;
    const open = group.details.open && !isCurrent;
    const shown = open ? listWindow(list, { limit: group.limit }) : { shown: [], matching: list.length, total: list.length };
    group.matching = shown.matching;
    reconcile(group.list, shown.shown.map(cardFor));
    group.empty.hidden = list.length > 0;
    const label = open ? moreLabel(shown) : "";
    group.more.hidden = label === "";
    setText(group.more, label);
    setText(group.countTag, plural(list.length, "answer"));
  }
  for (const id of fresh) {
    const card = cards.get(id);
    if (card && card.isConnected) {
      card.classList.remove("is-new");
      // Restart the arrival highlight on the next frame.
      void card.offsetWidth;
      card.classList.add("is-new");
    }
  }
  ui.otherSection.hidden = others === 0 || model.workshop.phase === "lobby" || model.workshop.phase === "synthesis";
}

function answeredNow() {
  const q = currentQuestion();
  const ids = new Set();
  if (!q) return ids;
  for (const answer of model.answers.values()) {
    if (answer.question_id === q.id) ids.add(answer.participant_id);
  }
  return ids;
}

function renderParticipants() {
  const answered = answeredNow();
  const q = currentQuestion();
  const everyone = Array.from(model.participants.values()).sort((a, b) => a.id - b.id);
  const query = ui.participantsFilter.value;
  const view = listWindow(everyone, { query, wordsOf: (p) => p.name, limit: lists.people.limit });
  lists.people.matching = view.matching;
  ui.participantsTools.hidden = everyone.length <= LIST_PAGE && query === "";
  paintWindow(view, query, ui.participantsShown, ui.participantsMore, "participant");
  const nodes = view.shown.map((p) => {
    let item = people.get(p.id);
    if (!item) {
      const dot = el("span", { className: "presence-dot", attrs: { "aria-hidden": "true" } });
      const name = el("span", { className: "participant-name", attrs: { dir: "auto" } });
      const presence = el("span", { className: "participant-presence" });
      const done = el("span", { className: "participant-answered", attrs: { title: "Answered this question" } }, [
        el("span", { text: "✓", attrs: { "aria-hidden": "true" } }),
        el("span", { className: "visually-hidden", text: "answered" }),
      ]);
      const remove = el("button", { className: "btn btn-sm btn-ghost participant-remove", text: "Remove", attrs: { type: "button" } });
      remove.addEventListener("click", () => removeParticipant(p.id, remove));
      item = el("li", { className: "participant", data: { participantId: p.id } }, [dot, name, presence, done, remove]);
      item.parts = { dot, name, presence, done, remove };
      people.set(p.id, item);
    }
    const { dot, name, presence, done, remove } = item.parts;
    remove.setAttribute("aria-label", `Remove ${p.name}`);
    remove.disabled = busy.has(remove);
    setText(name, p.name);
    name.classList.toggle("is-anonymous", p.anonymous);
    dot.classList.toggle("is-online", p.connected);
    setText(presence, p.connected ? "online" : "offline");
    item.dataset.connected = String(p.connected);
    done.hidden = !(q && answered.has(p.id));
    return item;
  });
  reconcile(ui.participantList, nodes);
  ui.participantsEmpty.hidden = everyone.length > 0;
}

function renderCounts() {
  const joined = model.participants.size;
  const online = Array.from(model.participants.values()).filter((p) => p.connected).length;
  setText(ui.participantSummary, `${joined} joined · ${online} online`);
  setText(ui.lobbyCount, joined === 1 ? "1 person has joined" : `${joined} people have joined`);

  const q = currentQuestion();
  if (!q) {
    setText(ui.answeredSummary, "");
    return;
  }
  const c = model.counts && model.counts.question_id === q.id ? model.counts : null;
  const answeredPeople = c ? c.answered : answeredNow().size;
  const totalPeople = c ? c.participants : joined;
  let answers = c ? c.answers : 0;
  if (!c) for (const a of model.answers.values()) if (a.question_id === q.id) answers += 1;
  setText(
    ui.answeredSummary,
    `${answeredPeople} of ${plural(totalPeople, "participant")} answered · ${plural(answers, "answer")}`,
  );
}

// ------------------------------------------------------------------ actions

async function act(button, errorNode, event, payload = {}) {
  if (busy.has(button)) return null;
  // A button pressed from the keyboard keeps the focus (it is switched off while busy).
  const hadFocus = document.activeElement === button;
  busy.add(button);
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  clearError(errorNode);
  const ack = await live.request(event, payload);
  busy.delete(button);
  button.removeAttribute("aria-busy");
  button.disabled = false;
  if (!ack.ok) showError(errorNode, ack.error.message);
  render();
  if (hadFocus) keepFocus(button);
  return ack;
}

function start() {
  return act(ui.start, ui.navError, "workshop:start");
}

function renderLock() {
  const w = model.workshop;
  const locked = Boolean(w && w.joining_locked);
  ui.lockJoining.setAttribute("aria-pressed", String(locked));
  ui.lockJoining.disabled = busy.has(ui.lockJoining) || !w || w.phase === "ended";
  setText(
    ui.lockStatus,
    locked
      ? "Joining is closed: new people are turned away; people already in can come back."
      : "Anyone with the code can join.",
  );
}

function toggleJoiningLock() {
  const locked = Boolean(model.workshop && model.workshop.joining_locked);
  return act(ui.lockJoining, ui.lockError, "workshop:lock_joining", { locked: !locked });
}

async function removeParticipant(participantId, button) {
  const person = model.participants.get(participantId);
  if (!person) return;
  const sure = window.confirm(
    `Remove ${person.name}? Their answers will be hidden everywhere and their phone will be turned away.`,
  );
  if (!sure) return;
  const ack = await act(button, ui.participantsError, "participant:remove", { participant_id: participantId });
  if (ack && ack.ok) {
    // The focus moves on to the next person's button (or the list's heading), not the page.
    const order = Array.from(model.participants.keys()).sort((a, b) => a - b);
    const nextId = order[order.indexOf(participantId) + 1] ?? order[order.indexOf(participantId) - 1];
    model.participants.delete(participantId);
    announce(`${person.name} was removed.`);
    render();
    const nextItem = people.get(nextId);
    (nextItem && nextItem.isConnected ? nextItem.parts.remove : ui.participantsTitle).focus();
  }
}

function next() {
  return act(ui.next, ui.navError, "workshop:next");
}

function previous() {
  return act(ui.previous, ui.navError, "workshop:previous");
}

async function goto(position, button) {
  clearError(ui.navError);
  if (model.workshop && model.workshop.phase === "synthesis") await synthesis.flush();
  return act(button, ui.gotoError, "workshop:goto", { position });
}

async function openSynthesis() {
  const ack = await act(ui.synthesisButton, ui.navError, "workshop:synthesis");
  if (ack && ack.ok) {
    const heading = ui.synthesisPanel.querySelector(".now-title");
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

async function backToQuestions() {
  clearError(ui.synthesisError);
  const left = await synthesis.flush();
  if (left.length) {
    showError(ui.synthesisError, `${listWords(left)}: changes not saved yet. Resolve them first, or they stay unsaved.`);
    return;
  }
  const position = Math.max(0, model.questions.length - 1);
  const ack = await act(ui.backToQuestions, ui.synthesisError, "workshop:goto", { position });
  if (ack && ack.ok) ui.previous.focus();
}

function toggleAnswering() {
  // Reopening after the time ran out also drops the spent timer (the server does it).
  return act(ui.answering, ui.answeringError, "answering:set", { open: !accepting() });
}

function toggleReveal() {
  const q = currentQuestion();
  if (!q) return null;
  return act(ui.reveal, ui.revealError, "answers:reveal", { revealed: !q.revealed });
}

/**
 * Turn the projector's wall. Not held back while a turn is on its way, as other
 * buttons are: a presenter's clicker may press twice in a row, and each press counts.
 * The `wall` event that follows says where it stands.
 */
async function turnWall(by) {
  const q = currentQuestion();
  if (!q || !q.revealed) return;
  clearError(ui.revealError);
  const ack = await live.request("wall:turn", { by });
  if (!ack.ok) showError(ui.revealError, ack.error.message);
}

async function rotateWall() {
  const seconds = Number(ui.wallRotate.value);
  const ack = await act(ui.wallRotate, ui.revealError, "wall:rotate", { seconds });
  if (ack && ack.ok) applyWall(ack.wall);
}

async function spotlight(answerId, button, errorNode) {
  const id = model.wall.spotlight === answerId ? null : answerId;
  const ack = await act(button, errorNode, "answer:spotlight", { answer_id: id });
  if (ack && ack.ok) {
    applyWall(ack.wall);
    if (id !== null) announce("On the projector, full-screen.");
  }
}

async function showAs(showAs, button) {
  if (model.wall.show_as === showAs) return;
  const ack = await act(button, ui.revealError, "wall:show", { show_as: showAs });
  if (ack && ack.ok) applyWall(ack.wall);
}

async function hideWord(key, hidden, button) {
  const list = button.closest("ol, ul");
  const index = Array.from(list.children).indexOf(button.closest("li"));
  const ack = await act(button, ui.cloudError, "cloud:hide_word", { key, hidden });
  if (!ack || !ack.ok) return;
  applyWall(ack.wall);
  // The word moved to the other list; the focus goes to the word that took its place.
  const next = list.children[Math.min(index, list.children.length - 1)];
  (next ? next.querySelector("button") : ui.showCloud).focus();
}

/** One word of the cloud's list: its count, and a button to take it out or put it back. */
function cloudItem(word, hidden) {
  const action = hidden ? "Put back" : "Take out";
  const button = el("button", {
    className: "btn btn-sm btn-ghost",
    text: action,
    attrs: { type: "button", "aria-label": `${action} “${word.label}”` },
  });
  button.addEventListener("click", () => hideWord(word.key, !hidden, button));
  return el("li", { className: "cloud-item" }, [
    el("span", { className: "cloud-label", text: word.label, attrs: { dir: "auto" } }),
    el("span", { className: "cloud-count", text: plural(word.count, "answer") }),
    button,
  ]);
}

function renderCloudPanel() {
  const q = currentQuestion();
  const view = model.cloud && q && model.cloud.question_id === q.id ? model.cloud : null;
  const shown = Boolean(q) && model.wall.show_as === "cloud";
  ui.cloudPanel.hidden = !shown;
  if (!shown) return;
  const words = view ? view.words : [];
  const hidden = view ? view.hidden || [] : [];
  // Drawn afresh only when the words changed: a button under the focus stays put.
  const signature = JSON.stringify([words, hidden]);
  if (ui.cloudPanel.dataset.signature !== signature) {
    ui.cloudPanel.dataset.signature = signature;
    // Every word, most used first: the same counts the projector's screen readers hear.
    ui.cloudWords.replaceChildren(...words.map((w) => cloudItem(w, false)));
    ui.cloudHiddenWords.replaceChildren(...hidden.map((w) => cloudItem(w, true)));
  }
  ui.cloudEmpty.hidden = words.length > 0;
  ui.cloudHidden.hidden = hidden.length === 0;
  setText(ui.cloudSummary, view ? `${plural(words.length, "word")} from ${plural(view.answers, "answer")}` : "");
}

const votePanel = createVotePanel({
  live,
  context: () => ({
    phase: model.workshop.phase,
    question: currentQuestion(),
    questions: model.questions,
    fields: model.fields,
    themes: model.themes,
    answers: model.answers,
  }),
  onVote(vote) {
    model.vote = vote;
    render();
  },
});

function renderVote() {
  const phase = model.workshop.phase;
  const on = phase === "questions" || phase === "synthesis" || Boolean(model.vote);
  ui.voteSlot.hidden = !on;
  if (!on) return;
  if (!ui.voteSlot.firstElementChild) ui.voteSlot.append(votePanel.node);
  votePanel.update(model.vote);
}

// One themes panel per question, made when the room first reaches it.
const themePanels = new Map();

function applyThemes(scope, themes) {
  model.themes = replaceScope(model.themes, scope, themes);
  scheduleRender();
}

function renderThemes() {
  const q = currentQuestion();
  ui.themesSlot.hidden = !q;
  if (!q) return;
  let panel = themePanels.get(q.id);
  if (!panel) {
    panel = createThemesPanel({ live, scope: questionScope(q.id), onThemes: applyThemes });
    themePanels.set(q.id, panel);
  }
  if (ui.themesSlot.firstElementChild !== panel.node) ui.themesSlot.replaceChildren(panel.node);
  const mine = Array.from(model.answers.values()).filter((a) => a.question_id === q.id);
  panel.update({ themes: model.themes, answers: model.answers, candidates: groupable(mine).sort((a, b) => a.id - b.id) });
}

function applyWall(wall) {
  if (!wall) return;
  model.wall = wall;
  render();
}

async function toggleHidden(answerId, button, errorNode) {
  const answer = model.answers.get(answerId);
  if (!answer) return;
  const ack = await act(button, errorNode, "answer:hide", { answer_id: answerId, hidden: !answer.hidden });
  if (ack && ack.ok) {
    const known = model.answers.get(answerId);
    if (known) known.hidden = ack.hidden;
    render();
  }
}

ui.start.addEventListener("click", start);
ui.lockJoining.addEventListener("click", toggleJoiningLock);
ui.synthesisButton.addEventListener("click", openSynthesis);
ui.backToQuestions.addEventListener("click", backToQuestions);
ui.sealVersion.addEventListener("click", () => synthesis.seal(ui.sealVersion, ui.synthesisError));
ui.next.addEventListener("click", next);
ui.previous.addEventListener("click", previous);
ui.answering.addEventListener("click", toggleAnswering);
ui.reveal.addEventListener("click", toggleReveal);
ui.wallBack.addEventListener("click", () => turnWall(-1));
ui.wallOn.addEventListener("click", () => turnWall(1));
ui.wallRotate.addEventListener("change", rotateWall);
ui.showAnswers.addEventListener("click", () => showAs("answers", ui.showAnswers));
ui.showCloud.addEventListener("click", () => showAs("cloud", ui.showCloud));
ui.showThemes.addEventListener("click", () => showAs("themes", ui.showThemes));
ui.answersUnthemed.addEventListener("change", () => {
  lists.answers.limit = LIST_PAGE;
  renderAnswers();
});
ui.answersFilter.addEventListener("input", () => {
  lists.answers.limit = LIST_PAGE;
  renderAnswers();
});
ui.answersMore.addEventListener("click", () => {
  lists.answers.limit = nextLimit(lists.answers.limit, lists.answers.matching);
  renderAnswers();
});
ui.participantsFilter.addEventListener("input", () => {
  lists.people.limit = LIST_PAGE;
  renderParticipants();
});
ui.participantsMore.addEventListener("click", () => {
  lists.people.limit = nextLimit(lists.people.limit, lists.people.matching);
  renderParticipants();
});
ui.spotlightOff.addEventListener("click", () => spotlight(null, ui.spotlightOff, ui.revealError));

for (const preset of ui.timerPresets) {
  preset.addEventListener("click", async () => {
    const seconds = Number(preset.dataset.seconds);
    // The countdown says "Timer started" itself, on every console.
    await act(preset, ui.timerError, "timer:start", { seconds });
  });
}

ui.timerStop.addEventListener("click", () => act(ui.timerStop, ui.timerError, "timer:stop"));

// End: an inline confirmation, with the safe choice focused second.
function openEndConfirm() {
  clearError(ui.endError);
  ui.endConfirm.hidden = false;
  ui.end.setAttribute("aria-expanded", "true");
  ui.endConfirmNo.focus();
}

function closeEndConfirm() {
  ui.endConfirm.hidden = true;
  ui.end.setAttribute("aria-expanded", "false");
  clearError(ui.endError);
  ui.end.focus();
}

ui.end.addEventListener("click", () => (ui.endConfirm.hidden ? openEndConfirm() : closeEndConfirm()));
ui.endConfirmNo.addEventListener("click", closeEndConfirm);
ui.endConfirm.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeEndConfirm();
});
ui.endConfirmYes.addEventListener("click", async () => {
  // Whatever is typed into the canvas is saved first: ending seals it.
  if (model.workshop && model.workshop.phase === "synthesis") await synthesis.flush();
  const ack = await act(ui.endConfirmYes, ui.endError, "workshop:end");
  if (ack && ack.ok) {
    ui.endConfirm.hidden = true;
    render();
  }
});

// Copy the join link, where the browser allows it (secure contexts only).
if (ui.copyLink) {
  if (navigator.clipboard && window.isSecureContext) {
    ui.copyLink.hidden = false;
    const label = ui.copyLink.textContent;
    ui.copyLink.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(ui.copyLink.dataset.copy);
        setText(ui.copyLink, "Copied");
        announce("Join link copied.");
      } catch {
        setText(ui.copyLink, "Copy failed");
      }
      setTimeout(() => setText(ui.copyLink, label), 2000);
    });
  }
}

// Keyboard shortcuts: → or N next, ← or P previous, R reveal. Never while typing.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
  const w = model.workshop;
  if (!w) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  let handled = true;
  if (key === "ArrowRight" || key === "n") {
    if (w.phase === "lobby") start();
    else if (w.phase === "questions" && !ui.next.disabled) next();
    else handled = false;
  } else if (key === "ArrowLeft" || key === "p") {
    if (w.phase === "questions" && !ui.previous.disabled) previous();
    else handled = false;
  } else if (key === "r") {
    if (currentQuestion()) toggleReveal();
    else handled = false;
  } else if ((key === "PageDown" || key === "]") && currentQuestion()) {
    // A key held down turns one page, not thirty: the room has to read each.
    if (!event.repeat) turnWall(1);
  } else if ((key === "PageUp" || key === "[") && currentQuestion()) {
    if (!event.repeat) turnWall(-1);
  } else if (key === "Escape" && model.wall.spotlight !== null) {
    spotlight(null, ui.spotlightOff, ui.revealError);
  } else {
    handled = false;
  }
  if (handled) event.preventDefault();
});
