// The console's dot vote: open one on what the room can vote on now, watch the ranked
// bars fill as dots arrive (coalesced), keep the results off the projector until the
// close, close it, take it off the screens. The words and bars are vote-bars.js's.

import { clearError, el, setText, showError } from "./live.js";
import { barLabel, rankedBars, turnoutText, voteTargets } from "./vote-bars.js";

const DRAFTS = 3;

/** Make the panel; `context()` returns what voteTargets needs, `onVote(vote)` keeps the model. */
export function createVotePanel({ live, context, onVote }) {
  const title = el("h2", { className: "panel-title", text: "Dot vote", attrs: { id: "vote-title" } });
  const status = el("span", { className: "tag vote-status" });
  const error = el("p", { className: "control-error", attrs: { role: "alert", id: "vote-error" } });
  error.hidden = true;

  // Starting one
  const target = el("select", { className: "select", attrs: { id: "vote-target" } });
  const question = el("input", { className: "input", attrs: { id: "vote-question", type: "text", maxlength: 200, placeholder: "Which matter most to us?" } });
  const dots = el("select", { className: "select select-sm", attrs: { id: "vote-dots" } }, Array.from({ length: 10 }, (_, n) => el("option", { text: String(n + 1), attrs: { value: n + 1 } })));
  dots.value = "3";
  const stack = el("input", { attrs: { type: "checkbox", id: "vote-stack" } });
  const hideResults = el("input", { attrs: { type: "checkbox", id: "vote-hide" } });
  const drafts = Array.from({ length: DRAFTS }, (_, n) =>
    el("textarea", { className: "textarea vote-draft", attrs: { rows: 2, maxlength: 2000, "aria-label": `Statement ${n + 1}`, placeholder: n < 2 ? `Statement ${n + 1}` : "A third statement (optional)", dir: "auto" } }),
  );
  const draftBox = el("div", { className: "vote-drafts stack" }, [el("p", { className: "control-help muted", text: "Draft two or three statements; the room chooses the one that says it best." }), ...drafts]);
  const why = el("p", { className: "control-help muted vote-why", attrs: { id: "vote-why" } });
  const start = el("button", { className: "btn btn-primary", text: "Open the vote", attrs: { type: "button", id: "btn-vote-open", "aria-describedby": "vote-why" } });
  const form = el("div", { className: "vote-start stack" }, [
    el("div", { className: "vote-row" }, [el("label", { className: "control-label", text: "Vote on", attrs: { for: "vote-target" } }), target]),
    el("div", { className: "vote-row" }, [el("label", { className: "control-label", text: "Question", attrs: { for: "vote-question" } }), question]),
    draftBox,
    el("div", { className: "cluster vote-options" }, [
      el("label", { className: "check-inline", attrs: { for: "vote-dots" } }, [dots, el("span", { text: "dots each" })]),
      el("label", { className: "check-inline" }, [stack, el("span", { text: "Several dots on one item" })]),
      el("label", { className: "check-inline" }, [hideResults, el("span", { text: "Results on the projector only once it closes" })]),
    ]),
    el("div", { className: "cluster" }, [start, why]),
  ]);

  // A vote on the screens
  const heading = el("p", { className: "vote-heading", attrs: { dir: "auto" } });
  const turnout = el("p", { className: "muted vote-turnout", attrs: { "aria-live": "polite" } });
  const bars = el("ol", { className: "vote-bars list-plain", attrs: { role: "list", "aria-label": "Results, most dots first" } });
  const close = el("button", { className: "btn btn-primary", text: "Close the vote", attrs: { type: "button", id: "btn-vote-close" } });
  const shown = el("button", { className: "btn", text: "Results on the projector", attrs: { type: "button", id: "btn-vote-shown", "aria-pressed": "true" } });
  const clear = el("button", { className: "btn btn-ghost", text: "Take it off the screens", attrs: { type: "button", id: "btn-vote-clear" } });
  const current = el("div", { className: "vote-current stack" }, [heading, turnout, bars, el("div", { className: "cluster" }, [close, shown, clear])]);

  const node = el("section", { className: "card vote-panel", attrs: { "aria-labelledby": "vote-title", id: "vote-panel" } }, [
    el("div", { className: "vote-head" }, [title, status]),
    form,
    current,
    error,
  ]);

  let targets = [];
  let vote = null;
  const barNodes = new Map();

  async function send(button, event, payload) {
    if (button.getAttribute("aria-busy") === "true") return null;
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    clearError(error);
    const ack = await live.request(event, payload);
    button.removeAttribute("aria-busy");
    button.disabled = false;
    if (!ack.ok) showError(error, ack.error.message);
    else if ("vote" in ack) onVote(ack.vote);
    return ack;
  }

  start.addEventListener("click", async () => {
    const chosen = targets.find((t) => t.value === target.value);
    if (!chosen) return;
    const payload = { ...chosen.payload, dots: Number(dots.value), stack: stack.checked, results_hidden: hideResults.checked };
    if (question.value.trim()) payload.title = question.value;
    if (chosen.payload.kind === "statements") payload.statements = drafts.map((d) => d.value).filter((v) => v.trim());
    const ack = await send(start, "vote:open", payload);
    if (ack && ack.ok) {
      question.value = "";
      for (const d of drafts) d.value = "";
      close.focus();
    }
  });
  close.addEventListener("click", () => send(close, "vote:close", {}));
  shown.addEventListener("click", () => send(shown, "vote:results", { shown: Boolean(vote && vote.results_hidden) }));
  clear.addEventListener("click", async () => {
    const ack = await send(clear, "vote:clear", {});
    if (ack && ack.ok) target.focus();
  });
  target.addEventListener("change", () => update(vote));

  function bar(item) {
    let row = barNodes.get(item.id);
    if (!row) {
      const label = el("span", { className: "vote-bar-label", attrs: { dir: "auto" } });
      const fill = el("span", { className: "vote-bar-fill" });
      const count = el("span", { className: "vote-bar-count" });
      row = el("li", { className: "vote-bar", data: { itemId: item.id } }, [label, el("span", { className: "vote-bar-track", attrs: { "aria-hidden": "true" } }, [fill]), count]);
      row.parts = { label, fill, count };
      barNodes.set(item.id, row);
    }
    setText(row.parts.label, item.label);
    setText(row.parts.count, String(item.dots));
    row.parts.fill.style.inlineSize = `${Math.round(item.share * 100)}%`;
    row.setAttribute("aria-label", barLabel(item));
    return row;
  }

  /** Draw the panel for the vote on the screens (or none). */
  function update(next) {
    vote = next;
    form.hidden = Boolean(vote);
    current.hidden = !vote;
    status.hidden = !vote;
    if (vote) {
      setText(status, vote.status === "open" ? "Open" : "Closed");
      status.classList.toggle("tag-success", vote.status === "open");
      setText(heading, vote.title);
      setText(turnout, turnoutText(vote));
      const ranked = rankedBars(vote);
      bars.replaceChildren(...ranked.map(bar));
      for (const id of Array.from(barNodes.keys())) if (!ranked.some((b) => b.id === id)) barNodes.delete(id);
      close.hidden = vote.status !== "open";
      shown.hidden = vote.status !== "open";
      shown.setAttribute("aria-pressed", String(!vote.results_hidden));
      setText(shown, vote.results_hidden ? "Show results on the projector" : "Results on the projector");
      return;
    }
    barNodes.clear();
    targets = voteTargets(context());
    const signature = targets.map((t) => `${t.value}:${t.label}`).join("|");
    if (target.dataset.signature !== signature) {
      const chosen = target.value;
      target.dataset.signature = signature;
      target.replaceChildren(...targets.map((t) => el("option", { text: t.label, attrs: { value: t.value } })));
      if (targets.some((t) => t.value === chosen)) target.value = chosen;
    }
    node.hidden = targets.length === 0;
    const chosen = targets.find((t) => t.value === target.value);
    draftBox.hidden = !chosen || chosen.payload.kind !== "statements";
    setText(why, chosen && chosen.why ? `Not yet: ${chosen.why}.` : "");
    start.disabled = !chosen || Boolean(chosen.why) || start.getAttribute("aria-busy") === "true";
  }

  return { node, update };
}
