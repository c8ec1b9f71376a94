// Themes, without the page: which themes a scope holds, what each shows, which answers
// are in no theme yet, and how late answers are offered. Pure functions over the
// console's model (docs/protocol.md, "Themes"); themes-panel.js draws them.

/** The granularity steps the server takes: -2 (finest) to 2 (coarsest). */
export const GRANULARITY_STEPS = [-2, -1, 0, 1, 2];

/** The scope of one question's answers, or of every question that feeds a canvas field. */
export function questionScope(questionId) {
  return `question:${questionId}`;
}

export function fieldScope(key) {
  return `field:${key}`;
}

/** Return `all` with the scope's themes replaced by `themes` (as a `themes` message has them). */
export function replaceScope(all, scope, themes) {
  return [...all.filter((t) => t.scope !== scope), ...themes];
}

/** Return the ids of every answer a theme of these holds. */
export function themedIds(themes) {
  const ids = new Set();
  for (const theme of themes) for (const id of theme.answers) ids.add(id);
  return ids;
}

/**
 * Return the scope's themes as the console shows them: each with the answers it holds
 * that the console knows and are shown (not hidden, not merged away), and their count;
 * accepted before suggested, then the largest first, then the oldest.
 */
export function scopeThemes(all, scope, answers) {
  const found = all
    .filter((t) => t.scope === scope)
    .map((theme) => {
      const members = theme.answers.map((id) => answers.get(id)).filter((a) => a && !a.hidden && !a.merged_into);
      return { ...theme, members, count: members.length };
    });
  const rank = (t) => (t.status === "accepted" ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || b.count - a.count || a.id - b.id);
}

/** Return the answers of `list` that no theme of these holds, in the order given. */
export function unthemed(list, themes) {
  const ids = themedIds(themes);
  return list.filter((a) => !ids.has(a.id));
}

/** Return the answers a theme may hold: shown, standing on their own. */
export function groupable(list) {
  return list.filter((a) => !a.hidden && !a.merged_into && !a.author_removed);
}

/**
 * Return the offers still worth making: for each theme, the offered answers that are
 * still in no theme and still shown, keyed by theme id.
 */
export function liveOffers(offers, themes, answers) {
  const ids = themedIds(themes);
  const byTheme = new Map();
  for (const offer of offers) {
    const left = offer.answer_ids.filter((id) => !ids.has(id) && answers.has(id) && !answers.get(id).hidden);
    if (left.length && themes.some((t) => t.id === offer.theme_id && t.status === "accepted")) {
      byTheme.set(offer.theme_id, left);
    }
  }
  return byTheme;
}

function answersWord(count) {
  return count === 1 ? "1 answer" : `${count} answers`;
}

/** "3 new answers fit “Reach new markets”" */
export function offerText(count, label) {
  return `${count === 1 ? "1 new answer fits" : `${count} new answers fit`} “${label}”`;
}

/** "4 themes (1 suggested) · 12 answers not yet in a theme" */
export function summaryText(themes, loose) {
  if (!themes.length) return loose ? `${answersWord(loose)}, no themes yet` : "No answers yet";
  const suggested = themes.filter((t) => t.status !== "accepted").length;
  const named = `${themes.length === 1 ? "1 theme" : `${themes.length} themes`}${suggested ? ` (${suggested} suggested)` : ""}`;
  return `${named} · ${loose ? `${answersWord(loose)} not yet in a theme` : "every answer is in a theme"}`;
}

/** The granularity one step finer (-1) or coarser (+1), kept within the server's range. */
export function stepGranularity(current, direction) {
  return Math.max(-2, Math.min(2, current + direction));
}

/** A short name for a theme made from one answer, which the facilitator can rename. */
export function labelFrom(text, max = 40) {
  const flat = String(text || "").split(/\s+/).filter(Boolean).join(" ");
  if (flat.length <= max) return flat || "New theme";
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/** Whether the set of loose answers changed in a way worth asking for a fit again. */
export function needsFit(previous, loose, hasAccepted) {
  if (!hasAccepted || !loose.length) return false;
  const before = new Set(previous);
  return loose.some((id) => !before.has(id));
}

/** The projector's themes per page: three across, two down. */
export const BOARD_PAGE = 6;

/** Return the themes on the projector's page `turns` (it wraps round), and which page it is. */
export function boardPage(themes, turns, perPage = BOARD_PAGE) {
  const pages = Math.max(1, Math.ceil(themes.length / perPage));
  const page = ((turns % pages) + pages) % pages;
  return { page, pages, shown: themes.slice(page * perPage, (page + 1) * perPage) };
}

/** "Page 1 of 2 · 9 themes · 180 of 200 answers in a theme": where every answer is. */
export function boardSummary(view, page, pages) {
  if (!view || !view.themes.length) return view && view.answers ? `No themes yet · ${answersWord(view.answers)}` : "";
  const placed = view.answers - view.unthemed;
  const where = view.unthemed ? `${placed} of ${answersWord(view.answers)} in a theme` : `all ${answersWord(view.answers)} in a theme`;
  const count = view.themes.length === 1 ? "1 theme" : `${view.themes.length} themes`;
  return `${pages > 1 ? `Page ${page + 1} of ${pages} · ` : ""}${count} · ${where}`;
}
