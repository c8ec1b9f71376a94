// The projector's answer wall, as pure arithmetic: how dense the cards are, and
// which page and column each card goes on. No DOM here: screen.js measures the
// cards and draws what these functions decide (tests/js/wall-pages.test.js).
//
// The rules:
// - Text size steps down with the count (`densityFor`), never below the floor
//   the stylesheet sets, and only ever gets denser while a question is up.
// - Cards fill the page in arrival order, each into the shortest column. A card
//   that no column of the page can take starts the next page; one taller than a
//   page takes an empty column as it is. Nothing is ever dropped, and a card
//   already placed never moves when another arrives.

/** From roomiest to densest. */
export const DENSITIES = ["l", "m", "s", "xs"];

/** Return the density for this many answers on the wall. */
export function densityFor(count) {
  if (count > 30) return "xs";
  if (count > 16) return "s";
  if (count > 6) return "m";
  return "l";
}

/** Return the denser of two densities (an unknown one counts as the roomiest). */
export function denser(a, b) {
  return Math.max(DENSITIES.indexOf(a), 0) >= Math.max(DENSITIES.indexOf(b), 0) ? a : b;
}

/** Return whether `density` is the densest there is: past it, only pages help. */
export function isDensest(density) {
  return density === DENSITIES[DENSITIES.length - 1];
}

/**
 * Return a packer for pages of `columns` columns, each `capacity` pixels tall, with
 * `gap` pixels between two cards of a column. `add(height)` places the next card
 * and says where: `{ page, column }`, both counted from 0.
 */
export function createPacker({ columns, capacity, gap }) {
  const count = Math.max(1, Math.floor(columns));
  const pages = [];
  let heights = [];

  function newPage() {
    pages.push(Array.from({ length: count }, () => []));
    heights = new Array(count).fill(0);
  }

  let items = 0;

  return {
    add(height) {
      if (pages.length === 0) newPage();
      let shortest = 0;
      for (let c = 1; c < count; c += 1) if (heights[c] < heights[shortest]) shortest = c;
      const taken = pages[pages.length - 1][shortest].length > 0;
      // A card that fits nowhere starts the next page. One taller than a page goes
      // into an empty column all the same (screen.js cuts cards to fit): never dropped.
      if (taken && heights[shortest] + gap + height > capacity) {
        newPage();
        shortest = 0;
      }
      const page = pages.length - 1;
      const column = pages[page][shortest];
      heights[shortest] += (column.length ? gap : 0) + height;
      column.push(items);
      items += 1;
      return { page, column: shortest };
    },
    /** How many cards have been placed. */
    get items() {
      return items;
    },
    /** How many pages the cards so far take (at least 1). */
    pageCount() {
      return Math.max(1, pages.length);
    },
    /** The item indexes on page `page`, column by column. */
    columnsOf(page) {
      return pages[page] || Array.from({ length: count }, () => []);
    },
  };
}

/** Return every page's columns of item indexes for cards of these heights, in order. */
export function packPages(heights, options) {
  const packer = createPacker(options);
  for (const height of heights) packer.add(height);
  return Array.from({ length: packer.pageCount() }, (_, page) => packer.columnsOf(page));
}

/** Return the page (from 0) that `offset` steps from the first page lands on, wrapping both ways. */
export function wrapPage(offset, pages) {
  const n = Math.max(1, Math.floor(pages));
  const step = Math.trunc(Number(offset) || 0);
  return ((step % n) + n) % n;
}

/** Return what the wall says about where the answers are: "Page 2 of 7 · 212 answers". */
export function pagerText(page, pages, total) {
  const answers = total === 1 ? "1 answer" : `${total} answers`;
  if (pages <= 1) return total <= 1 ? answers : `All ${answers}`;
  return `Page ${page + 1} of ${pages} · ${answers}`;
}

/**
 * Return how many lines a card may show before it is cut with an ellipsis, so that
 * one card always fits on a page: between 2 and `most`.
 */
export function clampLines(capacity, lineHeight, padding, most = 8) {
  if (!(lineHeight > 0)) return most;
  const room = Math.floor((capacity - padding) / lineHeight);
  return Math.max(2, Math.min(most, room));
}
