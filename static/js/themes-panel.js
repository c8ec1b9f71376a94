// The facilitator's themes for one scope (a question, or a canvas field): suggest them,
// then accept, rename, split, merge, dismiss, move answers, add late answers that fit,
// and (in the synthesis) pin a theme to its field. The rules are themes-core.js's;
// this draws them and sends the facilitator's decisions (docs/protocol.md, "Themes").

import { clearError, el, plural, quote, reconcile, setText, showError } from "./live.js";
import {
  labelFrom,
  liveOffers,
  needsFit,
  offerText,
  scopeThemes,
  stepGranularity,
  summaryText,
  unthemed,
} from "./themes-core.js";

// The answers each theme card shows before "All n answers".
const SAMPLES = 3;
// A fit is asked for this long after a new answer, so a burst asks once, and a room
// answering without pause asks at most about twenty times a minute (the server's limit).
const FIT_DELAY_MS = 3500;

/**
 * Make a themes panel. `onThemes(scope, themes)` is called with every ack that carries
 * the scope's themes, so the page's model (and every other panel) follows at once.
 * `pinField`, in the synthesis, is the canvas field a theme can be pinned to.
 */
export function createThemesPanel({ live, scope, title = "Themes", pinField = null, onThemes, onChange = () => {} }) {
  const titleId = `themes-${scope.replace(/[^a-z0-9]/gi, "-")}-title`;
  const summary = el("p", { className: "muted themes-summary", attrs: { "aria-live": "polite" } });
  const suggest = el("button", { className: "btn btn-sm btn-primary", text: "Suggest themes", attrs: { type: "button" } });
  const finer = el("button", { className: "btn btn-sm btn-ghost", text: "Finer", attrs: { type: "button", "aria-describedby": `${titleId}-grain` } });
  const coarser = el("button", { className: "btn btn-sm btn-ghost", text: "Coarser", attrs: { type: "button", "aria-describedby": `${titleId}-grain` } });
  const grain = el("span", { className: "muted themes-grain", attrs: { id: `${titleId}-grain` } });
  const themeList = el("ol", { className: "themes-list list-plain", attrs: { role: "list", "aria-labelledby": titleId } });
  const error = el("p", { className: "control-error", attrs: { role: "alert" } });
  error.hidden = true;
  const node = el("section", { className: "card themes-panel", attrs: { "aria-labelledby": titleId }, data: { scope } }, [
    el("div", { className: "themes-head" }, [
      el("h3", { className: "themes-title", text: title, attrs: { id: titleId } }),
      summary,
    ]),
    el("div", { className: "cluster themes-tools" }, [suggest, finer, coarser, grain]),
    error,
    themeList,
  ]);

  let granularity = 0;
  let current = { themes: [], answers: new Map(), candidates: [], pinned: [], offers: new Map() };
  let offers = [];
  let askedFor = [];
  let fitTimer = null;
  const cards = new Map();

  async function send(button, event, payload, errorNode = error) {
    if (button.getAttribute("aria-busy") === "true") return null;
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    clearError(errorNode);
    const ack = await live.request(event, payload);
    button.removeAttribute("aria-busy");
    button.disabled = false;
    if (!ack.ok) showError(errorNode, ack.error.message);
    else if (ack.themes) onThemes(ack.scope || scope, ack.themes, ack);
    return ack;
  }

  async function runSuggest(button) {
    const label = button.textContent;
    setText(button, "Grouping…");
    await send(button, "themes:suggest", { scope, granularity });
    setText(button, label);
  }
  suggest.addEventListener("click", () => runSuggest(suggest));
  for (const [button, direction] of [[finer, -1], [coarser, 1]]) {
    button.addEventListener("click", () => {
      granularity = stepGranularity(granularity, direction);
      runSuggest(button);
    });
  }

  async function fit() {
    fitTimer = null;
    const ack = await live.request("themes:fit", { scope });
    if (ack.ok) {
      offers = ack.offers;
      update({ themes: current.all, answers: current.answers, candidates: current.candidates, pinned: current.pinned });
    }
  }

  function themeCard(theme) {
    let card = cards.get(theme.id);
    if (!card) {
      card = buildCard(theme.id);
      cards.set(theme.id, card);
    }
    paintCard(card, theme);
    return card;
  }

  function buildCard(id) {
    const label = el("h4", { className: "theme-label", attrs: { dir: "auto", id: `theme-${id}-label` } });
    const status = el("span", { className: "tag theme-status" });
    const count = el("span", { className: "theme-count muted" });
    const samples = el("ul", { className: "theme-samples list-plain", attrs: { role: "list" } });
    const allList = el("ul", { className: "theme-all list-plain", attrs: { role: "list" } });
    const allSummary = el("summary");
    const all = el("details", { className: "theme-all-box disclosure" }, [allSummary, allList]);
    const accept = el("button", { className: "btn btn-sm", text: "Accept", attrs: { type: "button", "aria-describedby": `theme-${id}-label` } });
    const rename = el("button", { className: "btn btn-sm btn-ghost", text: "Rename", attrs: { type: "button", "aria-describedby": `theme-${id}-label` } });
    const split = el("button", { className: "btn btn-sm btn-ghost", text: "Split", attrs: { type: "button", "aria-describedby": `theme-${id}-label` } });
    const mergeSelect = el("select", { className: "select select-sm", attrs: { "aria-label": "Merge into" } });
    const merge = el("button", { className: "btn btn-sm btn-ghost", text: "Merge", attrs: { type: "button", "aria-describedby": `theme-${id}-label` } });
    const dismiss = el("button", { className: "btn btn-sm btn-ghost btn-danger-text", text: "Dismiss", attrs: { type: "button", "aria-describedby": `theme-${id}-label` } });
    const pin = el("button", { className: "btn btn-sm btn-pin", attrs: { type: "button", "aria-pressed": "false", "aria-describedby": `theme-${id}-label` } });
    pin.hidden = !pinField;
    const nameInput = el("input", { className: "input input-sm", attrs: { type: "text", maxlength: 120, "aria-label": "Theme name" } });
    const save = el("button", { className: "btn btn-sm btn-primary", text: "Save", attrs: { type: "submit" } });
    const cancel = el("button", { className: "btn btn-sm btn-ghost", text: "Cancel", attrs: { type: "button" } });
    const renameForm = el("form", { className: "theme-rename cluster" }, [nameInput, save, cancel]);
    renameForm.hidden = true;
    const offerLine = el("span");
    const addOffer = el("button", { className: "btn btn-sm btn-primary", text: "Add them", attrs: { type: "button" } });
    const offer = el("p", { className: "notice theme-offer" }, [offerLine, addOffer]);
    offer.hidden = true;
    const cardError = el("p", { className: "control-error", attrs: { role: "alert" } });
    cardError.hidden = true;
    const card = el("li", { className: "theme-card", data: { themeId: id } }, [
      el("div", { className: "theme-head" }, [label, status, count]),
      renameForm,
      samples,
      all,
      offer,
      el("div", { className: "cluster theme-actions" }, [accept, pin, rename, split, mergeSelect, merge, dismiss]),
      cardError,
    ]);
    card.parts = { label, status, count, samples, all, allList, allSummary, accept, rename, split, mergeSelect, merge, dismiss, pin, nameInput, renameForm, offer, offerText: offerLine, addOffer, error: cardError };
    card.theme = null;

    accept.addEventListener("click", () => send(accept, "theme:accept", { theme_id: id }, cardError));
    split.addEventListener("click", () => send(split, "theme:split", { theme_id: id }, cardError));
    dismiss.addEventListener("click", async () => {
      const ack = await send(dismiss, "theme:dismiss", { theme_id: id }, cardError);
      if (ack && ack.ok) suggest.focus();
    });
    merge.addEventListener("click", () => {
      const into = Number(mergeSelect.value);
      if (into) send(merge, "theme:merge", { theme_id: id, into_id: into }, cardError);
    });
    pin.addEventListener("click", async () => {
      const pinned = pin.getAttribute("aria-pressed") !== "true";
      const ack = await send(pin, "theme:pin", { field: pinField, theme_id: id, pinned }, cardError);
      if (ack && ack.ok) onChange(ack);
    });
    rename.addEventListener("click", () => {
      renameForm.hidden = false;
      nameInput.value = card.theme ? card.theme.label : "";
      nameInput.focus();
      nameInput.select();
    });
    cancel.addEventListener("click", () => {
      renameForm.hidden = true;
      rename.focus();
    });
    renameForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        renameForm.hidden = true;
        rename.focus();
      }
    });
    renameForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ack = await send(save, "theme:rename", { theme_id: id, label: nameInput.value }, cardError);
      if (ack && ack.ok) {
        renameForm.hidden = true;
        rename.focus();
      }
    });
    addOffer.addEventListener("click", () => {
      const ids = (card.offered || []).slice();
      if (ids.length) send(addOffer, "theme:move", { scope, answer_ids: ids, theme_id: id }, cardError);
    });
    all.addEventListener("toggle", () => paintAll(card));
    return card;
  }

  function answerItem(answer, withMove, themeId) {
    const text = el("span", { className: "theme-answer-text", text: answer.text, attrs: { dir: "auto" } });
    const item = el("li", { className: "theme-answer", data: { answerId: answer.id } }, [text]);
    if (!withMove) return item;
    const select = el("select", { className: "select select-sm", attrs: { "aria-label": `Move ${quote(answer.text, 40)} to` } });
    const others = current.themes.filter((t) => t.id !== themeId);
    select.append(
      el("option", { text: "Move to…", attrs: { value: "" } }),
      ...others.map((t) => el("option", { text: t.label, attrs: { value: t.id } })),
      el("option", { text: "A new theme", attrs: { value: "new" } }),
      el("option", { text: "No theme", attrs: { value: "none" } }),
    );
    select.addEventListener("change", () => {
      const choice = select.value;
      if (!choice) return;
      const payload = { scope, answer_ids: [answer.id] };
      if (choice === "new") payload.label = labelFrom(answer.text);
      else if (choice !== "none") payload.theme_id = Number(choice);
      const card = cards.get(themeId);
      send(select, "theme:move", payload, card ? card.parts.error : error);
    });
    item.append(select);
    return item;
  }

  function paintAll(card) {
    const p = card.parts;
    if (!p.all.open || !card.theme) return;
    const signature = `${card.theme.members.map((a) => `${a.id}:${a.text}`).join("|")}#${current.themes.map((t) => `${t.id}:${t.label}`).join("|")}`;
    if (p.allList.dataset.signature === signature) return;
    p.allList.dataset.signature = signature;
    p.allList.replaceChildren(...card.theme.members.map((a) => answerItem(a, true, card.theme.id)));
  }

  function paintCard(card, theme) {
    const p = card.parts;
    card.theme = theme;
    card.dataset.status = theme.status;
    setText(p.label, theme.label);
    setText(p.status, theme.status === "accepted" ? "Accepted" : "Suggested");
    setText(p.count, plural(theme.count, "answer"));
    p.accept.hidden = theme.status === "accepted";
    const sampleSig = theme.members.slice(0, SAMPLES).map((a) => `${a.id}:${a.text}`).join("|");
    if (p.samples.dataset.signature !== sampleSig) {
      p.samples.dataset.signature = sampleSig;
      p.samples.replaceChildren(...theme.members.slice(0, SAMPLES).map((a) => answerItem(a, false)));
    }
    setText(p.allSummary, `All ${plural(theme.count, "answer")}, to move one`);
    p.all.hidden = theme.count === 0;
    paintAll(card);
    const others = current.themes.filter((t) => t.id !== theme.id);
    p.merge.hidden = p.mergeSelect.hidden = others.length === 0;
    const mergeSig = others.map((t) => `${t.id}:${t.label}`).join("|");
    if (p.mergeSelect.dataset.signature !== mergeSig) {
      const chosen = p.mergeSelect.value;
      p.mergeSelect.dataset.signature = mergeSig;
      p.mergeSelect.replaceChildren(
        el("option", { text: "Merge into…", attrs: { value: "" } }),
        ...others.map((t) => el("option", { text: t.label, attrs: { value: t.id } })),
      );
      if (others.some((t) => String(t.id) === chosen)) p.mergeSelect.value = chosen;
    }
    if (pinField) {
      const pinned = current.pinned.includes(theme.id);
      p.pin.setAttribute("aria-pressed", String(pinned));
      setText(p.pin, pinned ? "Pinned to this field" : "Pin to this field");
      card.classList.toggle("is-pinned", pinned);
    }
    const offered = current.offers.get(theme.id) || [];
    card.offered = offered;
    p.offer.hidden = offered.length === 0;
    setText(p.offerText, offered.length ? `${offerText(offered.length, theme.label)}. ` : "");
  }

  /**
   * Draw the scope's themes. `themes` is every theme the page knows, `answers` the page's
   * answers by id, `candidates` the scope's answers a theme may hold, `pinned` the ids
   * of the themes pinned to `pinField`.
   */
  function update({ themes: all, answers, candidates, pinned = [] }) {
    const themes = scopeThemes(all, scope, answers);
    const loose = unthemed(candidates, themes).map((a) => a.id);
    const hasAccepted = themes.some((t) => t.status === "accepted");
    if (needsFit(askedFor, loose, hasAccepted) && !fitTimer) {
      askedFor = loose;
      fitTimer = setTimeout(fit, FIT_DELAY_MS);
    }
    current = { themes, answers, candidates, pinned, all, offers: liveOffers(offers, themes, answers) };
    reconcile(themeList, themes.map(themeCard));
    for (const id of Array.from(cards.keys())) {
      if (!themes.some((t) => t.id === id)) cards.delete(id);
    }
    setText(summary, summaryText(themes, loose.length));
    const step = granularity === 0 ? "" : granularity < 0 ? `finer (${-granularity})` : `coarser (${granularity})`;
    setText(grain, step ? `Grouping ${step}` : "");
    setText(suggest, suggest.getAttribute("aria-busy") === "true" ? "Grouping…" : themes.length ? "Suggest again" : "Suggest themes");
    suggest.disabled = finer.disabled = coarser.disabled = candidates.length < 2 || suggest.getAttribute("aria-busy") === "true";
    finer.disabled ||= granularity <= -2;
    coarser.disabled ||= granularity >= 2;
  }
  return { node, update, scope };
}
