// The console's synthesis: the room's answers grouped by the canvas field they
// feed, and an editor per field. Pins, merges, the statement, the strategic
// purpose and the two lists of values all go through acknowledged events
// (docs/protocol.md, "Synthesis events").
//
// Statements save as they are typed. Each edit names the version of the field
// it was made against; when someone else got there first the server refuses it
// as `stale`, and the facilitator chooses which text to keep. Nothing typed
// here is overwritten without a choice, and nothing of theirs is either.

import {
  createEditor,
  incoming,
  isBlocked,
  isDirty,
  isUnsaved,
  keepTheirs,
  SAVE_DELAY_MS,
  settled,
  startSave,
  STATEMENT_MAX,
  tryAgain,
  typed,
  useMine,
} from "./statement-editor.js";
import { createThemesPanel } from "./themes-panel.js";
import { fieldScope, groupable, questionScope, replaceScope } from "./themes-core.js";
import { rankedBars } from "./vote-bars.js";
import {
  announce,
  clearError,
  createCalmAnnouncer,
  createTally,
  el,
  focusFree,
  icon,
  listWords,
  plural,
  quote,
  reconcile,
  restoreFocus,
  setText,
  shortDateTime,
  showError,
  sleep,
} from "./live.js";

const VALUE_MAX = 80;
const VALUES_MAX = 12;
// How many times a change to the purpose or a list of values is sent again after a refusal that may pass.
const RETRIES = 3;
// How long a change to a list of values waits for a dropped connection to come back.
const RECONNECT_WAIT_MS = 60000;

const PURPOSES = [
  ["viability", "Viability", "We cannot get there without partners."],
  ["momentum", "Momentum", "Partners make our work last and spread."],
  ["both", "Both", "Viability and momentum."],
  ["", "Not decided", "Leave it open for now."],
];
const PURPOSE_WORDS = { viability: "viability", momentum: "momentum", both: "both viability and momentum" };
const FACETS = [
  ["ours", "Our values"],
  ["shared", "Values a partner must share"],
];

// Said when a hidden answer is pinned, and shown under it while it stays pinned.
const HIDDEN_PINNED =
  "This answer is hidden: the canvas keeps it as a source, but the projector, the share page and exports leave it out.";

function sameList(a, b) {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * The synthesis view. `model` is the console's model (answers, questions,
 * workshop); `requestRender()` asks the console to draw again.
 */
export function createSynthesis({ live, model, requestRender, ui }) {
  /** key -> {latest, tally, view, editor, purpose, values} */
  const fields = new Map();
  let versions = [];
  let builtFor = "";
  const answerNodes = new Map();
  const sayUpdated = createCalmAnnouncer((names) => `${listWords(names)} updated by someone else.`, 5000);

  // ---------------------------------------------------------------- building

  function build(canvas) {
    const signature = `${canvas.fields.map((f) => f.key).join(",")}|${model.questions.map((q) => `${q.id}:${q.field}`).join(",")}`;
    if (signature === builtFor) return;
    builtFor = signature;
    const navItems = [];
    const sections = [];
    for (const f of canvas.fields) {
      let entry = fields.get(f.key);
      if (!entry) {
        entry = { latest: f, tally: f.reactions };
        fields.set(f.key, entry);
        entry.view = buildField(f, entry);
      }
      entry.view.groups = buildGroups(f.key, entry);
      navItems.push(entry.view.navItem);
      sections.push(entry.view.section);
    }
    ui.nav.replaceChildren(...navItems);
    ui.fields.replaceChildren(...sections);
  }

  function buildField(f, entry) {
    const key = f.key;
    const titleId = `syn-${key}-title`;
    const tally = createTally("tally syn-tally");
    const pinned = el("span", { className: "tag syn-pinned-count" });
    const answersCount = el("span", { className: "syn-col-count muted" });
    const groupsNode = el("div", { className: "syn-groups" });
    // The field's themes (over every question feeding it), and any each question has.
    const themesNode = el("div", { className: "syn-themes" });
    // The dot votes that informed this field, with their results.
    const votesNode = el("div", { className: "syn-votes" });
    const editorNode = el("div", { className: "syn-editor" });

    const section = el(
      "section",
      { className: "syn-field card", attrs: { id: `syn-${key}`, "aria-labelledby": titleId, tabindex: "-1" }, data: { field: key } },
      [
        el("header", { className: "syn-field-head" }, [
          el("div", { className: "syn-field-heading" }, [
            el("h3", { className: "syn-field-title", text: f.label, attrs: { id: titleId } }),
            el("p", { className: "syn-field-summary muted", text: f.summary }),
          ]),
          el("div", { className: "syn-field-meta" }, [pinned, tally.node]),
        ]),
        el("div", { className: "syn-field-body" }, [
          el("div", { className: "syn-answers" }, [
            el("h4", { className: "syn-col-title" }, [el("span", { text: "Answers" }), answersCount]),
            votesNode,
            themesNode,
            groupsNode,
          ]),
          editorNode,
        ]),
      ],
    );

    const navMark = el("span", { className: "field-nav-mark" });
    const navState = el("span", { className: "visually-hidden" });
    const navLink = el("a", { className: "field-nav-link", attrs: { href: `#syn-${key}` }, data: { field: key } }, [
      navMark,
      el("span", { text: f.label }),
      navState,
    ]);
    navLink.addEventListener("click", (event) => {
      event.preventDefault();
      section.scrollIntoView({ block: "start", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
      section.focus({ preventScroll: true });
    });
    const navItem = el("li", {}, [navLink]);

    const view = { section, tally, pinned, answersCount, groupsNode, themesNode, votesNode, panels: new Map(), navItem, navLink, navMark, navState, editorNode };
    entry.view = view;
    if (key === "purpose") entry.purpose = buildPurpose(f, entry, editorNode);
    if (key === "values") entry.values = buildValues(f, entry, editorNode);
    entry.editor = buildStatement(f, entry, editorNode);
    return view;
  }

  /** One block per question feeding this field (the two values questions stay apart). */
  function buildGroups(key, entry) {
    const feeding = model.questions.filter((q) => q.field === key);
    const groups = new Map();
    const nodes = feeding.map((q) => {
      const list = el("ol", { className: "syn-answer-list list-plain", attrs: { role: "list" } });
      const empty = el("p", { className: "syn-empty muted", text: "No answers to this question." });
      const node = el("div", { className: "syn-group", data: { questionId: q.id } }, [
        el("p", { className: "syn-group-title" }, [
          el("span", { className: "syn-group-number", text: `Q${q.number}` }),
          el("span", { text: q.prompt }),
        ]),
        empty,
        list,
      ]);
      groups.set(q.id, { list, empty });
      return node;
    });
    if (!nodes.length) nodes.push(el("p", { className: "syn-empty muted", text: "No question feeds this field: write it from the discussion." }));
    entry.view.groupsNode.replaceChildren(...nodes);
    return groups;
  }

  // ---------------------------------------------------------------- statement editor

  function buildStatement(f, entry, parent) {
    const key = f.key;
    const areaId = `statement-${key}`;
    const helpId = `statement-${key}-help`;
    const statusId = `statement-${key}-status`;
    const label = el("label", {
      className: "field-label syn-statement-label",
      text: key === "values" ? "Statement (optional)" : "Statement",
      attrs: { for: areaId },
    });
    const help = el("p", {
      className: "field-help",
      text: key === "values" ? "A line about the values, if the lists need one." : "Saved as you type; the projector shows it at once.",
      attrs: { id: helpId },
    });
    const area = el("textarea", {
      className: "textarea syn-statement",
      attrs: { id: areaId, rows: key === "values" ? 2 : 5, dir: "auto", "aria-describedby": `${helpId} ${statusId}`, spellcheck: "true" },
    });
    area.value = f.statement;
    const statusText = el("span", { className: "save-status-text" });
    const statusIcon = el("span", { className: "save-status-icon", attrs: { "aria-hidden": "true" } });
    const statusLine = el("p", { className: "save-status", attrs: { id: statusId, role: "status" }, data: { state: "saved" } }, [
      statusIcon,
      statusText,
    ]);
    const retry = el("button", { className: "btn btn-sm save-retry", text: "Try again", attrs: { type: "button" } });
    retry.hidden = true;
    const counter = el("span", { className: "syn-counter muted", attrs: { "aria-hidden": "true" } });

    const conflictTitle = el("p", { className: "syn-conflict-title", attrs: { id: `conflict-${key}-title` } });
    const conflictText = el("p", { className: "syn-conflict-text" });
    const theirs = el("blockquote", { className: "syn-conflict-theirs", attrs: { dir: "auto" } });
    const useMineButton = el("button", { className: "btn btn-sm btn-use-mine", text: "Use mine", attrs: { type: "button" } });
    const keepTheirsButton = el("button", { className: "btn btn-sm btn-keep-theirs", text: "Keep theirs", attrs: { type: "button" } });
    const conflictBox = el(
      "div",
      { className: "syn-conflict", attrs: { role: "group", "aria-labelledby": `conflict-${key}-title` } },
      [
        el("div", { className: "syn-conflict-head" }, [icon("concern", "syn-conflict-icon"), conflictTitle]),
        conflictText,
        el("figure", { className: "syn-conflict-figure" }, [
          el("figcaption", { className: "syn-conflict-caption", text: "Their text, saved now" }),
          theirs,
        ]),
        el("div", { className: "cluster" }, [useMineButton, keepTheirsButton]),
      ],
    );
    conflictBox.hidden = true;

    parent.append(
      el("div", { className: "syn-statement-block" }, [
        el("div", { className: "syn-statement-top" }, [label, counter]),
        help,
        area,
        el("div", { className: "save-row" }, [statusLine, retry]),
        conflictBox,
      ]),
    );

    // The page's side of the editor; what it decides is in `state` (statement-editor.js).
    const ed = {
      key,
      entry,
      area,
      statusLine,
      statusText,
      retry,
      counter,
      conflictBox,
      conflictTitle,
      conflictText,
      theirs,
      // The debounce timer, and the save on its way (a promise of whether it stored the box).
      timer: null,
      saving: null,
      state: createEditor(f),
    };

    area.addEventListener("input", () => onInput(ed));
    area.addEventListener("blur", () => {
      if (!ed.state.conflict && isDirty(ed.state, area.value)) save(ed);
    });
    area.addEventListener("keydown", (event) => {
      if (event.key === "s" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        save(ed);
      }
    });
    retry.addEventListener("click", () => {
      ed.state = tryAgain(ed.state);
      save(ed);
    });
    useMineButton.addEventListener("click", () => {
      show(ed, { editor: useMine(ed.state) });
      save(ed);
      area.focus();
    });
    keepTheirsButton.addEventListener("click", () => {
      show(ed, keepTheirs(ed.state));
      area.focus();
    });
    updateCounter(ed);
    paintStatus(ed);
    return ed;
  }

  /** What the box holds now, as the editor's steps want it. */
  function boxOf(ed) {
    return { text: ed.area.value, focused: document.activeElement === ed.area };
  }

  /** Take an editor step in: its state, the save timer, the box, and what it says. */
  function show(ed, step) {
    const before = ed.state;
    ed.state = step.editor;
    if (step.debounce || !ed.state.scheduled) {
      clearTimeout(ed.timer);
      ed.timer = step.debounce ? setTimeout(() => save(ed), SAVE_DELAY_MS) : null;
    }
    if (step.text !== undefined) {
      ed.area.value = step.text;
      updateCounter(ed);
    }
    paintStatus(ed);
    if (before.conflict !== ed.state.conflict) paintConflict(ed);
    const label = ed.entry.latest.label;
    if (step.opened) announce(`${label}: someone else changed this statement. Choose which text to keep.`);
    if (step.updated) {
      flash(ed.entry);
      sayUpdated(label);
    }
  }

  function paintStatus(ed) {
    const { state, text } = ed.state.status;
    ed.statusLine.dataset.state = state;
    setText(ed.statusText, text);
    ed.retry.hidden = state !== "error";
    ed.entry.view.section.dataset.saveState = state;
  }

  function paintConflict(ed) {
    const { conflict, base } = ed.state;
    ed.conflictBox.hidden = !conflict;
    ed.entry.view.section.classList.toggle("has-conflict", Boolean(conflict));
    if (conflict) {
      setText(
        ed.conflictTitle,
        conflict.reason === "stale"
          ? "Not saved: someone else changed this field first"
          : "Updated by someone else while you were writing",
      );
      setText(
        ed.conflictText,
        "Your text is still in the box above. Use mine saves it over theirs; Keep theirs puts their text in the box.",
      );
      setText(ed.theirs, base.statement || "(They cleared the statement.)");
      ed.theirs.classList.toggle("is-empty", !base.statement);
    }
    renderNav(ed.entry);
  }

  function updateCounter(ed) {
    const n = Array.from(ed.area.value).length;
    setText(ed.counter, `${n} / ${STATEMENT_MAX}`);
    ed.counter.dataset.state = n > STATEMENT_MAX ? "over" : n > STATEMENT_MAX * 0.9 ? "near" : "ok";
  }

  function onInput(ed) {
    updateCounter(ed);
    renderNav(ed.entry);
    show(ed, typed(ed.state, ed.area.value));
  }

  /** Save the statement now; resolves true once what is in the box is stored. */
  function save(ed) {
    const step = startSave(ed.state, ed.area.value);
    show(ed, step);
    if (step.decision === "queued") {
      return ed.saving.then(() => (isBlocked(ed.state) ? false : isDirty(ed.state, ed.area.value) ? save(ed) : true));
    }
    if (step.decision !== "send") return Promise.resolve(step.decision === "clean");
    ed.saving = live.request("canvas:statement", { field: ed.key, ...step.send }).then((ack) => settle(ed, ack));
    return ed.saving;
  }

  function settle(ed, ack) {
    const step = settled(ed.state, ack, boxOf(ed));
    show(ed, step);
    if (step.received) receive(step.received.field, { quiet: step.received.quiet });
    return step.next === "save" ? save(ed) : step.result;
  }

  /** A newer version of the field arrived: from the server, or another console. */
  function incomingStatement(ed, f) {
    show(ed, incoming(ed.state, f, boxOf(ed)));
  }

  // ---------------------------------------------------------------- strategic purpose

  function buildPurpose(f, entry, parent) {
    const name = "purpose-choice";
    const radios = new Map();
    const options = PURPOSES.map(([value, word, help]) => {
      const id = `purpose-${value || "none"}`;
      const input = el("input", {
        className: "segment-input",
        attrs: { type: "radio", name, id, value, "aria-describedby": `${id}-help` },
      });
      radios.set(value, input);
      return el("div", { className: "segment" }, [
        input,
        el("label", { className: "segment-label", attrs: { for: id } }, [
          icon("check", "segment-check"),
          el("span", { className: "segment-word", text: word }),
          el("span", { className: "segment-help", text: help, attrs: { id: `${id}-help` } }),
        ]),
      ]);
    });
    const message = el("p", { className: "syn-purpose-message" });
    const useMine = el("button", { className: "btn btn-sm", attrs: { type: "button" } });
    const notice = el("div", { className: "syn-inline-notice", attrs: { role: "status" } }, [message, useMine]);
    notice.hidden = true;
    const error = el("p", { className: "control-error", attrs: { role: "alert" } });
    error.hidden = true;
    parent.append(
      el("fieldset", { className: "segmented" }, [
        el("legend", { className: "field-label", text: "Viability or momentum?" }),
        el("div", { className: "segments" }, options),
      ]),
      notice,
      error,
    );
    const pz = { base: f, radios, notice, message, useMine, error, wanted: null, busy: false };
    for (const [value, input] of radios) {
      input.addEventListener("change", () => {
        if (input.checked) choosePurpose(pz, value || null);
      });
    }
    useMine.addEventListener("click", () => {
      const mine = pz.mine;
      notice.hidden = true;
      choosePurpose(pz, mine);
    });
    reflectPurpose(pz);
    return pz;
  }

  function reflectPurpose(pz) {
    if (pz.busy) return;
    const value = pz.base.purpose || "";
    for (const [v, input] of pz.radios) input.checked = v === value;
  }

  async function choosePurpose(pz, purpose) {
    clearError(pz.error);
    pz.notice.hidden = true;
    pz.wanted = purpose;
    if (pz.busy) return;
    pz.busy = true;
    let attempts = 0;
    while (pz.wanted !== undefined) {
      const want = pz.wanted;
      pz.wanted = undefined;
      const base = pz.base;
      const ack = await live.request("canvas:purpose", { purpose: want, version: base.version });
      if (ack.ok) {
        receive(ack.field, { quiet: true });
        announce(`Strategic purpose: ${want ? PURPOSE_WORDS[want] : "not decided"}.`);
        continue;
      }
      if (ack.error.code === "stale" && ack.error.details && ack.error.details.field) {
        const now = ack.error.details.field;
        receive(now, { quiet: true });
        if ((now.purpose || null) === (base.purpose || null) && attempts < RETRIES) {
          attempts += 1;
          if (pz.wanted === undefined) pz.wanted = want;
          continue;
        }
        if ((now.purpose || null) !== want) {
          pz.mine = want;
          setText(
            pz.message,
            `Someone else set the purpose to ${now.purpose ? PURPOSE_WORDS[now.purpose] : "not decided"} a moment ago.`,
          );
          setText(pz.useMine, `Use mine: ${want ? PURPOSE_WORDS[want] : "not decided"}`);
          pz.notice.hidden = false;
        }
        continue;
      }
      showError(pz.error, `Not saved: ${ack.error.message}`);
    }
    pz.busy = false;
    reflectPurpose(pz);
  }

  // ---------------------------------------------------------------- values

  function buildValues(f, entry, parent) {
    const lists = new Map();
    const blocks = FACETS.map(([facet, label]) => {
      const titleId = `values-${facet}-title`;
      const inputId = `values-${facet}-input`;
      const list = el("ul", { className: "value-list list-plain", attrs: { role: "list", "aria-labelledby": titleId } });
      const empty = el("p", { className: "value-empty muted", text: "None yet." });
      const input = el("input", {
        className: "input value-input",
        attrs: { id: inputId, type: "text", dir: "auto", autocomplete: "off", maxlength: String(VALUE_MAX), placeholder: "Add a value" },
      });
      const add = el("button", { className: "btn btn-sm value-add", text: "Add", attrs: { type: "submit" } });
      const error = el("p", { className: "control-error", attrs: { role: "alert" } });
      error.hidden = true;
      const form = el("form", { className: "value-form", attrs: { novalidate: true } }, [
        el("label", { className: "visually-hidden", text: `Add to ${label}`, attrs: { for: inputId } }),
        input,
        add,
      ]);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        addValue(facet, label, input, error);
      });
      lists.set(facet, { list, empty, input, error, label, items: new Map() });
      return el("div", { className: "values-block", data: { facet } }, [
        el("h4", { className: "values-title", text: label, attrs: { id: titleId } }),
        empty,
        list,
        form,
        error,
      ]);
    });
    parent.append(el("div", { className: "values-editor" }, blocks));
    const vz = { base: f, lists, queue: Promise.resolve() };
    renderValues(vz);
    return vz;
  }

  function applyOp(items, op) {
    if (op.type === "add") {
      const lower = op.item.toLocaleLowerCase();
      return items.some((i) => i.toLocaleLowerCase() === lower) ? items.slice() : [...items, op.item];
    }
    return items.filter((i) => i !== op.item);
  }

  /** Wait before sending a list change again after a failure that may pass; false: give up. */
  async function mayRetry(ack, onWait) {
    const code = ack.error.code;
    if (code === "offline" || code === "timeout") {
      // A blip in the venue's Wi-Fi: the change waits for the connection (it is
      // safe to send twice: the list's version guards it, and adding is idempotent).
      if (onWait) onWait();
      if (code === "timeout") await sleep(1000);
      return live.whenJoined(RECONNECT_WAIT_MS);
    }
    if (code === "rate_limited" || code === "server_error") {
      await sleep(code === "rate_limited" ? 3000 : 1000);
      return true;
    }
    return false;
  }

  /** Run one change to a list; on a stale version it is applied again to the newer list,
   *  and a dropped connection or a passing failure has it sent again. */
  function runValues(op, { onWait } = {}) {
    const vz = fields.get("values").values;
    const run = async () => {
      let stale = 0;
      let failed = 0;
      for (;;) {
        const current = (vz.base.values && vz.base.values[op.facet]) || [];
        const items = applyOp(current, op);
        const ack = await live.request("canvas:values", { facet: op.facet, items, version: vz.base.version });
        if (ack.ok) {
          receive(ack.field, { quiet: true });
          return ack;
        }
        if (ack.error.code === "stale" && ack.error.details && ack.error.details.field) {
          // Their change stays; ours is applied on top of it.
          receive(ack.error.details.field, { quiet: true });
          stale += 1;
          if (stale > RETRIES) {
            return { ok: false, error: { code: "stale", message: "The list kept changing. Try again." } };
          }
          continue;
        }
        failed += 1;
        if (failed > RETRIES || !(await mayRetry(ack, onWait))) return ack;
      }
    };
    const result = vz.queue.then(run);
    vz.queue = result.catch(() => null);
    return result;
  }

  async function addValue(facet, label, input, error) {
    const item = input.value.trim();
    clearError(error);
    input.removeAttribute("aria-invalid");
    const vz = fields.get("values").values;
    const current = (vz.base.values && vz.base.values[facet]) || [];
    let problem = "";
    if (!item) problem = "Type a value first.";
    else if (Array.from(item).length > VALUE_MAX) problem = `A value is at most ${VALUE_MAX} characters.`;
    else if (current.length >= VALUES_MAX) problem = `Keep each list to ${VALUES_MAX} values or fewer.`;
    if (problem) {
      showError(error, problem);
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    input.value = "";
    const waitNote = () => showError(error, `Not connected: ${item} is added once the connection is back.`);
    const ack = await runValues({ type: "add", facet, item }, { onWait: waitNote });
    clearError(error);
    if (ack.ok) {
      announce(`Added ${item} to ${label}.`);
    } else {
      if (!input.value) input.value = item;
      showError(error, `Not saved: ${ack.error.message}`);
    }
    // Only if focus was lost meanwhile: by now the facilitator may be typing elsewhere.
    if (focusFree(input)) input.focus();
  }

  async function removeValue(facet, label, item, button) {
    const { error, list } = fields.get("values").values.lists.get(facet);
    clearError(error);
    const buttons = Array.from(list.querySelectorAll(".value-remove"));
    const index = buttons.indexOf(button);
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    const waitNote = () => showError(error, `Not connected: ${item} is removed once the connection is back.`);
    const ack = await runValues({ type: "remove", facet, item }, { onWait: waitNote });
    clearError(error);
    button.disabled = false;
    if (!ack.ok) {
      showError(error, `Not saved: ${ack.error.message}`);
      restoreFocus(button, hadFocus);
      return;
    }
    announce(`Removed ${item} from ${label}.`);
    if (!focusFree(button)) return; // they moved on while it was being removed
    const left = Array.from(list.querySelectorAll(".value-remove"));
    const next = left[Math.min(index, left.length - 1)];
    (next || fields.get("values").values.lists.get(facet).input).focus();
  }

  function renderValues(vz) {
    for (const [facet, part] of vz.lists) {
      const items = (vz.base.values && vz.base.values[facet]) || [];
      const nodes = items.map((item) => {
        let node = part.items.get(item);
        if (!node) {
          const remove = el("button", {
            className: "value-remove",
            attrs: { type: "button", "aria-label": `Remove ${item} from ${part.label}` },
          }, [icon("close", "value-remove-icon")]);
          remove.addEventListener("click", () => removeValue(facet, part.label, item, remove));
          node = el("li", { className: "value-chip" }, [el("span", { className: "value-text", text: item, attrs: { dir: "auto" } }), remove]);
          part.items.set(item, node);
        }
        return node;
      });
      for (const item of Array.from(part.items.keys())) if (!items.includes(item)) part.items.delete(item);
      reconcile(part.list, nodes);
      part.empty.hidden = items.length > 0;
      part.input.disabled = items.length >= VALUES_MAX;
    }
  }

  // ---------------------------------------------------------------- receiving fields

  /** Take in a field as the server now has it (a broadcast, an ack, a snapshot). */
  function receive(f, { quiet = false } = {}) {
    const entry = fields.get(f.key);
    if (!entry) return;
    if (f.reactions) entry.tally = f.reactions;
    const newer = f.version > entry.latest.version;
    if (newer || f.version === entry.latest.version) entry.latest = { ...entry.latest, ...f };
    if (entry.editor) incomingStatement(entry.editor, f);
    if (entry.purpose && f.version > entry.purpose.base.version) {
      const before = entry.purpose.base.purpose || null;
      entry.purpose.base = f;
      reflectPurpose(entry.purpose);
      if (!quiet && before !== (f.purpose || null)) flash(entry);
    }
    if (entry.values && f.version > entry.values.base.version) {
      const before = entry.values.base.values || {};
      entry.values.base = f;
      renderValues(entry.values);
      if (!quiet && FACETS.some(([facet]) => !sameList(before[facet] || [], (f.values || {})[facet] || []))) flash(entry);
    }
    renderField(entry);
    if (newer) requestRender();
  }

  function flash(entry) {
    const node = entry.view.section;
    node.classList.remove("is-updated");
    void node.offsetWidth;
    node.classList.add("is-updated");
    clearTimeout(entry.flashTimer);
    entry.flashTimer = setTimeout(() => node.classList.remove("is-updated"), 2200);
  }

  function renderField(entry) {
    entry.view.tally.update(entry.tally);
    const pins = entry.latest.pins || [];
    setText(entry.view.pinned, pins.length ? `${plural(pins.length, "answer")} pinned` : "Nothing pinned");
    entry.view.pinned.classList.toggle("tag-success", pins.length > 0);
    renderNav(entry);
  }

  function written(entry) {
    const f = entry.latest;
    if (entry.editor && entry.editor.area.value.trim()) return true;
    if (f.key === "purpose" && f.purpose) return true;
    if (f.key === "values" && f.values && (f.values.ours.length || f.values.shared.length)) return true;
    return false;
  }

  function renderNav(entry) {
    const { navLink, navMark, navState } = entry.view;
    const conflict = Boolean(entry.editor && entry.editor.state.conflict);
    const done = written(entry);
    const state = conflict ? "conflict" : done ? "written" : "empty";
    if (navLink.dataset.state !== state) {
      navLink.dataset.state = state;
      navMark.replaceChildren(icon(state === "conflict" ? "concern" : "check", "field-nav-icon"));
      setText(navState, state === "conflict" ? " (needs a choice)" : state === "written" ? " (written)" : " (not written yet)");
    }
  }

  // ---------------------------------------------------------------- answers

  function rootOf(answer) {
    let current = answer;
    for (let i = 0; i < 20 && current.merged_into; i += 1) {
      const next = model.answers.get(current.merged_into);
      if (!next) break;
      current = next;
    }
    return current;
  }

  function renderAnswers() {
    if (!fields.size) return;
    const fieldOf = new Map(model.questions.map((q) => [q.id, q.field]));
    const roots = new Map();
    const followers = new Map();
    const sorted = Array.from(model.answers.values()).sort((a, b) => a.id - b.id);
    for (const answer of sorted) {
      const root = rootOf(answer);
      if (root.id === answer.id) roots.set(answer.id, answer);
      else {
        if (!followers.has(root.id)) followers.set(root.id, []);
        followers.get(root.id).push(answer);
      }
    }
    for (const [key, entry] of fields) {
      const pins = new Set(entry.latest.pins || []);
      const inField = Array.from(roots.values()).filter((a) => fieldOf.get(a.question_id) === key);
      let count = 0;
      for (const [questionId, group] of entry.view.groups || []) {
        const mine = inField.filter((a) => a.question_id === questionId);
        const nodes = mine.map((answer) => answerNode(answer, key, pins, followers.get(answer.id) || [], inField));
        reconcile(group.list, nodes);
        group.empty.hidden = nodes.length > 0;
        count += mine.length + mine.reduce((n, a) => n + (followers.get(a.id) || []).length, 0);
      }
      setText(entry.view.answersCount, count ? ` · ${count}` : "");
      renderThemes(key, entry, inField);
      renderVotes(key, entry);
    }
    for (const id of Array.from(answerNodes.keys())) {
      const answer = model.answers.get(id);
      if (!answer || rootOf(answer).id !== id) answerNodes.delete(id);
    }
  }

  /** The field's dot votes, the one on the screens with its latest results. */
  function renderVotes(key, entry) {
    const votes = (model.votes || []).map((v) => (model.vote && model.vote.id === v.id ? model.vote : v)).filter((v) => v.field === key);
    const signature = JSON.stringify(votes.map((v) => [v.id, v.title, v.status, v.items.map((i) => [i.label, i.dots])]));
    if (entry.view.votesNode.dataset.signature === signature) return;
    entry.view.votesNode.dataset.signature = signature;
    entry.view.votesNode.replaceChildren(
      ...votes.map((v) =>
        el("p", { className: "syn-vote muted" }, [
          el("span", { className: "tag", text: v.status === "open" ? "Dot vote, open" : "Dot vote" }),
          " ",
          el("span", { text: v.title, attrs: { dir: "auto" } }),
          ": ",
          el("span", { text: rankedBars(v).map((b) => `${b.label} ${b.dots}`).join(" · "), attrs: { dir: "auto" } }),
        ]),
      ),
    );
  }

  /**
   * The field's themes panel, over every question that feeds it, and a panel for each
   * feeding question that has themes of its own; any of their themes can be pinned here.
   */
  function renderThemes(key, entry, inField) {
    const scopes = [fieldScope(key)];
    for (const q of model.questions) {
      const scope = questionScope(q.id);
      if (q.field === key && model.themes.some((t) => t.scope === scope)) scopes.push(scope);
    }
    const panels = entry.view.panels;
    const nodes = scopes.map((scope) => {
      let panel = panels.get(scope);
      if (!panel) {
        const q = model.questions.find((item) => questionScope(item.id) === scope);
        panel = createThemesPanel({
          live,
          scope,
          title: q ? `Themes of Q${q.number}` : "Themes",
          pinField: key,
          onThemes: (changed, themes, ack) => {
            model.themes = replaceScope(model.themes, changed, themes);
            if (ack && ack.field) receive(ack.field);
            requestRender();
          },
        });
        panels.set(scope, panel);
      }
      const candidates = groupable(scope === fieldScope(key) ? inField : inField.filter((a) => questionScope(a.question_id) === scope));
      panel.update({ themes: model.themes, answers: model.answers, candidates, pinned: entry.latest.theme_pins || [] });
      return panel.node;
    });
    reconcile(entry.view.themesNode, nodes);
  }

  function answerNode(answer, key, pins, merged, inField) {
    let node = answerNodes.get(answer.id);
    if (!node || node.dataset.field !== key) {
      node = buildAnswer(answer, key);
      answerNodes.set(answer.id, node);
    }
    const p = node.parts;
    setText(p.text, answer.text);
    setText(p.author, answer.author);
    p.hiddenTag.hidden = !answer.hidden;
    p.edited.hidden = !answer.edited;

    const pinned = pins.has(answer.id);
    node.classList.toggle("is-pinned", pinned);
    node.dataset.pinned = String(pinned);
    p.pin.setAttribute("aria-pressed", String(pinned));
    setText(p.pinLabel, pinned ? "Pinned" : "Pin");
    p.pinnedMark.hidden = !pinned;
    // Pinned and hidden: the canvas lists it here, but no one else will see it.
    p.hiddenPinned.hidden = !(pinned && answer.hidden);

    // Merge: the other answers of this field that stand on their own.
    const targets = inField.filter((a) => a.id !== answer.id);
    p.mergeToggle.hidden = targets.length === 0;
    if (!targets.length) closeMerge(node, false);
    const signature = targets.map((a) => `${a.id}:${a.text}`).join("|");
    if (p.select.dataset.signature !== signature) {
      const chosen = p.select.value;
      p.select.dataset.signature = signature;
      p.select.replaceChildren(
        el("option", { text: "Choose an answer…", attrs: { value: "" } }),
        ...targets.map((a) => el("option", { text: `${quote(a.text)} (${a.author})`, attrs: { value: a.id } })),
      );
      if (targets.some((a) => String(a.id) === chosen)) p.select.value = chosen;
    }

    // What was merged into it, folded underneath with a count.
    node.classList.toggle("has-merged", merged.length > 0);
    p.merged.hidden = merged.length === 0;
    setText(p.mergedSummary, merged.length ? `${plural(merged.length, "similar answer")} merged here` : "");
    setText(p.count, merged.length ? `×${merged.length + 1}` : "");
    p.count.hidden = !merged.length;
    if (merged.length) p.count.setAttribute("aria-label", `${merged.length + 1} answers in one`);
    const mergedSig = merged.map((a) => `${a.id}:${a.text}`).join("|");
    if (p.mergedList.dataset.signature !== mergedSig) {
      p.mergedList.dataset.signature = mergedSig;
      p.mergedList.replaceChildren(
        ...merged.map((a) => {
          const split = el("button", {
            className: "btn btn-sm btn-ghost btn-split",
            attrs: { type: "button", "aria-label": `Split ${quote(a.text, 40)} out again` },
          }, [icon("split", "btn-icon"), el("span", { text: "Split" })]);
          split.addEventListener("click", () => unmerge(a.id, split, node));
          return el("li", { className: "syn-merged-item", data: { answerId: a.id } }, [
            el("p", { className: "syn-merged-text", text: a.text, attrs: { dir: "auto" } }),
            el("span", { className: "syn-merged-author muted", text: a.author, attrs: { dir: "auto" } }),
            split,
          ]);
        }),
      );
    }
    return node;
  }

  function buildAnswer(answer, key) {
    const id = answer.id;
    // dir="auto" on people's words: Arabic or Hebrew reads right to left.
    const text = el("p", { className: "syn-answer-text", attrs: { dir: "auto" } });
    const author = el("span", { className: "syn-answer-author", attrs: { dir: "auto" } });
    const edited = el("span", { className: "edited-mark", text: "(edited)" });
    const hiddenTag = el("span", { className: "tag tag-danger", text: "Hidden on projector" });
    const count = el("span", { className: "tag syn-answer-count" });
    const pinnedMark = el("span", { className: "syn-pinned-mark" }, [icon("pin", "syn-pinned-icon"), el("span", { text: "On the canvas" })]);
    const pinLabel = el("span", { text: "Pin" });
    const pin = el("button", {
      className: "btn btn-sm btn-pin",
      attrs: { type: "button", "aria-pressed": "false", "aria-describedby": `answer-${id}-text` },
    }, [icon("pin", "btn-icon"), pinLabel]);
    text.id = `answer-${id}-text`;
    const mergeId = `merge-${id}`;
    const mergeToggle = el("button", {
      className: "btn btn-sm btn-ghost btn-merge",
      attrs: { type: "button", "aria-expanded": "false", "aria-controls": mergeId, "aria-describedby": `answer-${id}-text` },
    }, [icon("merge", "btn-icon"), el("span", { text: "Merge into…" })]);
    const select = el("select", { className: "select select-sm merge-select", attrs: { id: `${mergeId}-select` } });
    const mergeGo = el("button", { className: "btn btn-sm btn-primary merge-confirm", text: "Merge", attrs: { type: "button" } });
    const mergeCancel = el("button", { className: "btn btn-sm btn-ghost merge-cancel", text: "Cancel", attrs: { type: "button" } });
    const mergeForm = el("div", { className: "merge-form", attrs: { id: mergeId, role: "group", "aria-label": "Merge this answer" } }, [
      el("label", { className: "merge-label", text: "Merge into", attrs: { for: `${mergeId}-select` } }),
      select,
      el("div", { className: "cluster" }, [mergeGo, mergeCancel]),
    ]);
    mergeForm.hidden = true;
    const mergedSummary = el("span");
    const mergedList = el("ul", { className: "syn-merged-list list-plain", attrs: { role: "list" } });
    const merged = el("details", { className: "syn-merged disclosure" }, [el("summary", {}, [mergedSummary]), mergedList]);
    const error = el("p", { className: "control-error", attrs: { role: "alert" } });
    error.hidden = true;
    const hiddenPinned = el("p", { className: "notice notice-warning syn-hidden-pinned", text: HIDDEN_PINNED });
    hiddenPinned.hidden = true;

    const node = el("li", { className: "syn-answer", data: { answerId: id, field: key } }, [
      el("div", { className: "syn-answer-main" }, [text, count]),
      el("div", { className: "syn-answer-meta" }, [author, edited, hiddenTag, pinnedMark]),
      el("div", { className: "syn-answer-actions" }, [pin, mergeToggle]),
      hiddenPinned,
      mergeForm,
      merged,
      error,
    ]);
    node.parts = { text, author, edited, hiddenTag, hiddenPinned, count, pin, pinLabel, pinnedMark, mergeToggle, mergeForm, select, merged, mergedSummary, mergedList, error };

    pin.addEventListener("click", () => togglePin(id, key, node));
    mergeToggle.addEventListener("click", () => {
      if (mergeForm.hidden) openMerge(node);
      else closeMerge(node, true);
    });
    mergeCancel.addEventListener("click", () => closeMerge(node, true));
    mergeForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeMerge(node, true);
      }
    });
    mergeGo.addEventListener("click", () => merge(id, node, mergeGo));
    return node;
  }

  function openMerge(node) {
    const p = node.parts;
    p.mergeForm.hidden = false;
    p.mergeToggle.setAttribute("aria-expanded", "true");
    clearError(p.error);
    p.select.focus();
  }

  function closeMerge(node, focus) {
    const p = node.parts;
    if (p.mergeForm.hidden) return;
    p.mergeForm.hidden = true;
    p.mergeToggle.setAttribute("aria-expanded", "false");
    if (focus) p.mergeToggle.focus();
  }

  async function togglePin(answerId, key, node) {
    const p = node.parts;
    const entry = fields.get(key);
    const pinned = (entry.latest.pins || []).includes(answerId);
    clearError(p.error);
    const hadFocus = document.activeElement === p.pin;
    p.pin.disabled = true;
    const ack = await live.request("canvas:pin", { field: key, answer_id: answerId, pinned: !pinned });
    p.pin.disabled = false;
    if (!ack.ok) {
      showError(p.error, ack.error.message);
      restoreFocus(p.pin, hadFocus);
      return;
    }
    receive(ack.field);
    requestRender();
    // The pin (now "Pinned") keeps the keyboard focus.
    restoreFocus(p.pin, hadFocus);
    const answer = model.answers.get(answerId);
    const warning = !pinned && answer && answer.hidden ? ` ${HIDDEN_PINNED}` : "";
    announce(pinned ? `Unpinned from ${entry.latest.label}.` : `Pinned to ${entry.latest.label}.${warning}`);
  }

  async function merge(answerId, node, button) {
    const p = node.parts;
    const into = Number(p.select.value);
    clearError(p.error);
    if (!into) {
      showError(p.error, "Choose the answer to merge into.");
      p.select.focus();
      return;
    }
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    const ack = await live.request("answers:merge", { answer_id: answerId, into_id: into });
    button.disabled = false;
    if (!ack.ok) {
      showError(p.error, ack.error.message);
      restoreFocus(button, hadFocus);
      return;
    }
    for (const id of ack.merged) {
      const answer = model.answers.get(id);
      if (answer) model.answers.set(id, { ...answer, merged_into: ack.into_id });
    }
    closeMerge(node, false);
    requestRender(true);
    const target = answerNodes.get(ack.into_id);
    const targetAnswer = model.answers.get(ack.into_id);
    if (target) {
      target.parts.merged.open = true;
      if (focusFree(button)) target.querySelector("summary").focus();
    }
    announce(`Merged into ${targetAnswer ? quote(targetAnswer.text) : "the other answer"}.`);
  }

  async function unmerge(answerId, button, rootNode) {
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    const ack = await live.request("answers:unmerge", { answer_id: answerId });
    button.disabled = false;
    if (!ack.ok) {
      showError(rootNode.parts.error, ack.error.message);
      restoreFocus(button, hadFocus);
      return;
    }
    const answer = model.answers.get(answerId);
    if (answer) model.answers.set(answerId, { ...answer, merged_into: null });
    requestRender(true);
    const back = answerNodes.get(answerId);
    if (back && focusFree(button)) back.parts.pin.focus();
    announce("Split out again.");
  }

  // ---------------------------------------------------------------- versions and sealing

  function renderVersions() {
    const items = versions
      .slice()
      .sort((a, b) => b.number - a.number)
      .map((v) =>
        el("li", { className: "version-item version-row", data: { number: v.number } }, [
          el("a", {
            className: "version-link",
            text: `Version ${v.number}`,
            attrs: { href: `${ui.canvasUrl}?version=${v.number}`, target: "_blank", rel: "noopener" },
          }),
          el("time", { className: "version-time muted", text: shortDateTime(v.sealed_at), attrs: { datetime: new Date(v.sealed_at).toISOString() } }),
        ]),
      );
    ui.versionsList.replaceChildren(...items);
    ui.versionsEmpty.hidden = items.length > 0;
  }

  /** Save every statement typed but not stored yet; resolve with the fields still not saved. */
  async function flush() {
    const waits = [];
    for (const entry of fields.values()) {
      const ed = entry.editor;
      if (ed && !ed.state.conflict && (isDirty(ed.state, ed.area.value) || ed.state.sending)) waits.push(save(ed));
      if (entry.values) waits.push(entry.values.queue);
    }
    await Promise.all(waits);
    return unsaved();
  }

  function unsaved() {
    const left = [];
    for (const entry of fields.values()) {
      const ed = entry.editor;
      if (ed && isUnsaved(ed.state, ed.area.value)) left.push(entry.latest.label);
    }
    return left;
  }

  async function seal(button, errorNode) {
    clearError(errorNode);
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    const left = await flush();
    if (left.length) {
      button.disabled = false;
      restoreFocus(button, hadFocus);
      showError(errorNode, `Not sealed: ${listWords(left)} ${left.length === 1 ? "has" : "have"} changes that are not saved yet.`);
      return null;
    }
    const ack = await live.request("canvas:seal");
    button.disabled = false;
    restoreFocus(button, hadFocus);
    if (!ack.ok) {
      showError(errorNode, ack.error.message);
      return null;
    }
    if (!versions.some((v) => v.number === ack.version.number)) versions.push(ack.version);
    renderVersions();
    announce(`Version ${ack.version.number} sealed.`);
    const item = ui.versionsList.querySelector(`[data-number="${ack.version.number}"]`);
    if (item) {
      item.classList.add("is-new");
      setTimeout(() => item.classList.remove("is-new"), 2400);
    }
    return ack;
  }

  // Leaving with an edit not saved yet asks first.
  window.addEventListener("beforeunload", (event) => {
    if (unsaved().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ---------------------------------------------------------------- the outside

  return {
    /** A whole snapshot: build once, then take every field in. */
    applyCanvas(canvas) {
      if (!canvas) return;
      build(canvas);
      for (const f of canvas.fields) receive(f, { quiet: true });
      versions = (canvas.versions || []).slice();
      renderVersions();
      // Back from a dropped connection: try again what could not be sent.
      for (const entry of fields.values()) {
        const ed = entry.editor;
        if (ed && ed.state.error && !ed.state.conflict && isDirty(ed.state, ed.area.value) && live.isJoined()) {
          ed.state = tryAgain(ed.state);
          save(ed);
        }
      }
    },
    receive(f) {
      receive(f);
    },
    reactions(key, reactions) {
      const entry = fields.get(key);
      if (!entry) return;
      entry.tally = reactions;
      entry.view.tally.update(reactions);
    },
    render() {
      renderAnswers();
    },
    flush,
    unsaved,
    seal,
  };
}
