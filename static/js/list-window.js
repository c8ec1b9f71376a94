// The console's long lists (a question's answers, the people in the room) as pure
// functions: filtered by what the facilitator types, and shown a page at a time,
// so 2,000 answers cost the page what 50 do. No DOM here (tests/js/list-window.test.js).

/** How many items a list shows at first, and how many more each "Show more" adds. */
export const LIST_PAGE = 50;

/** Return text folded for matching: lower case, no accents, single spaces ("Café  Noir" → "cafe noir"). */
export function foldText(text) {
  return String(text ?? "")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Return the window of `items` to show: those whose words (`wordsOf(item)`) hold
 * every word the facilitator typed, at most `limit` of them, in the order given.
 * `matching` counts every match, `total` every item, so the list can say what it holds.
 */
export function listWindow(items, { query = "", wordsOf = (item) => item, limit = LIST_PAGE } = {}) {
  const needles = foldText(query).split(" ").filter(Boolean);
  const matches = needles.length
    ? items.filter((item) => {
        const words = foldText(wordsOf(item));
        return needles.every((needle) => words.includes(needle));
      })
    : items;
  return { shown: matches.slice(0, Math.max(0, limit)), matching: matches.length, total: items.length };
}

/** Return the limit after one more "Show more": a page further, at most every match. */
export function nextLimit(limit, matching, page = LIST_PAGE) {
  return Math.min(Math.max(limit, 0) + page, Math.max(matching, page));
}

function count(n, noun, nouns) {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/**
 * Return what a windowed list says about itself, or "" when it shows everything:
 * "Showing 50 of 2000 answers", "12 of 2000 answers match", "No answer matches".
 */
export function windowSummary({ shown, matching, total }, query, noun = "answer", nouns = `${noun}s`) {
  const filtered = foldText(query) !== "";
  if (filtered && matching === 0) return `No ${noun} matches “${String(query).trim()}”`;
  if (filtered) {
    const of = `${matching} of ${count(total, noun, nouns)}`;
    const showing = shown.length < matching ? ` (showing ${shown.length})` : "";
    return `${of} ${matching === 1 ? "matches" : "match"}${showing}`;
  }
  if (shown.length < total) return `Showing ${shown.length} of ${count(total, noun, nouns)}`;
  return "";
}

/** Return the label of the "Show more" button, or "" when nothing is left to show. */
export function moreLabel({ shown, matching }, page = LIST_PAGE) {
  const left = matching - shown.length;
  if (left <= 0) return "";
  return left <= page ? `Show the last ${left}` : `Show ${page} more`;
}
