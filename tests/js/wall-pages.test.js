// Unit tests of static/js/wall-pages.js, the projector wall's pagination core.
// Run in Chromium by tests/e2e/test_js_units.py (or by hand: tests/js/runner.html).
import { assert, test } from "/tests/js/runner.js";
import {
  DENSITIES,
  clampLines,
  createPacker,
  densityFor,
  denser,
  isDensest,
  packPages,
  pagerText,
  wrapPage,
} from "/static/js/wall-pages.js";

/** A small seeded random generator (mulberry32), so every run packs the same cards. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` card heights from `low` to `high` pixels. */
function heightsFrom(seed, count, low, high) {
  const next = random(seed);
  return Array.from({ length: count }, () => low + Math.floor(next() * (high - low + 1)));
}

/** A deep copy of every page's columns so far (columnsOf hands out the packer's own arrays). */
function snapshot(packer) {
  return Array.from({ length: packer.pageCount() }, (_, page) => packer.columnsOf(page).map((column) => [...column]));
}

/** A spread of packer settings, from one column to many, loose to tight. */
const SETTINGS = [
  { columns: 1, capacity: 300, gap: 0 },
  { columns: 1, capacity: 300, gap: 12 },
  { columns: 2, capacity: 500, gap: 16 },
  { columns: 3, capacity: 700, gap: 24 },
  { columns: 4, capacity: 240, gap: 8 },
  { columns: 6, capacity: 1000, gap: 20 },
];

// --- densities -----------------------------------------------------------------

test("DENSITIES runs from roomiest to densest", () => {
  assert.deepEqual(DENSITIES, ["l", "m", "s", "xs"]);
});

test("densityFor: each threshold, on both sides", () => {
  const cases = [
    [0, "l"],
    [1, "l"],
    [6, "l"],
    [7, "m"],
    [16, "m"],
    [17, "s"],
    [30, "s"],
    [31, "xs"],
    [212, "xs"],
    [100000, "xs"],
  ];
  for (const [count, density] of cases) assert.equal(densityFor(count), density, `densityFor(${count})`);
});

test("densityFor never gets roomier as the count grows", () => {
  let previous = DENSITIES.indexOf(densityFor(0));
  for (let count = 1; count <= 200; count += 1) {
    const rank = DENSITIES.indexOf(densityFor(count));
    assert.ok(rank >= 0, `densityFor(${count}) is a known density`);
    assert.ok(rank >= previous, `densityFor(${count}) is at least as dense as densityFor(${count - 1})`);
    previous = rank;
  }
});

test("denser returns the denser of every pair of densities, in either order", () => {
  DENSITIES.forEach((a, i) => {
    DENSITIES.forEach((b, j) => {
      assert.equal(denser(a, b), DENSITIES[Math.max(i, j)], `denser(${a}, ${b})`);
    });
  });
});

test("denser counts an unknown density as the roomiest", () => {
  for (const unknown of [undefined, null, "", "huge", "XS"]) {
    for (const known of ["m", "s", "xs"]) {
      assert.equal(denser(unknown, known), known, `denser(${unknown}, ${known})`);
      assert.equal(denser(known, unknown), known, `denser(${known}, ${unknown})`);
    }
  }
});

test("denser keeps a density once reached: a falling count never makes the wall roomier", () => {
  let shown = "l";
  const counts = [1, 5, 8, 20, 40, 12, 3, 0, 25];
  for (const count of counts) shown = denser(shown, densityFor(count));
  assert.equal(shown, "xs");
});

test("isDensest is true for the densest density only", () => {
  assert.equal(isDensest("xs"), true);
  assert.equal(isDensest(DENSITIES[DENSITIES.length - 1]), true);
  for (const other of ["l", "m", "s", "XS", "", undefined, null]) {
    assert.equal(isDensest(other), false, `isDensest(${other})`);
  }
});

// --- createPacker ----------------------------------------------------------------

test("createPacker: an empty packer has one page of empty columns", () => {
  const packer = createPacker({ columns: 3, capacity: 100, gap: 10 });
  assert.equal(packer.pageCount(), 1);
  assert.deepEqual(packer.columnsOf(0), [[], [], []]);
  assert.deepEqual(packer.columnsOf(4), [[], [], []], "a page past the last is empty too");
});

test("createPacker: the first card goes on page 0, column 0", () => {
  const packer = createPacker({ columns: 3, capacity: 100, gap: 10 });
  assert.deepEqual(packer.add(40), { page: 0, column: 0 });
});

test("createPacker: each card goes into the shortest column", () => {
  const packer = createPacker({ columns: 3, capacity: 1000, gap: 0 });
  assert.deepEqual(packer.add(100), { page: 0, column: 0 });
  assert.deepEqual(packer.add(50), { page: 0, column: 1 });
  assert.deepEqual(packer.add(70), { page: 0, column: 2 });
  // Heights now 100, 50, 70.
  assert.deepEqual(packer.add(10), { page: 0, column: 1 }, "50 is the shortest"); // 100, 60, 70
  assert.deepEqual(packer.add(5), { page: 0, column: 1 }, "60 is the shortest"); // 100, 65, 70
  assert.deepEqual(packer.add(20), { page: 0, column: 1 }, "65 is the shortest"); // 100, 85, 70
  assert.deepEqual(packer.add(1), { page: 0, column: 2 }, "70 is the shortest"); // 100, 85, 71
  assert.deepEqual(packer.columnsOf(0), [[0], [1, 3, 4, 5], [2, 6]]);
});

test("createPacker: a tie between columns goes to the leftmost", () => {
  const packer = createPacker({ columns: 3, capacity: 1000, gap: 10 });
  const placed = [30, 30, 30, 30, 30, 30].map((height) => packer.add(height).column);
  assert.deepEqual(placed, [0, 1, 2, 0, 1, 2]);
});

test("createPacker: the gap goes between two cards only, not above the first nor below the last", () => {
  const packer = createPacker({ columns: 1, capacity: 100, gap: 10 });
  assert.equal(packer.add(45).page, 0);
  assert.equal(packer.add(45).page, 0, "45 + 10 + 45 fills the page exactly");
  assert.equal(packer.add(1).page, 1, "a third card, however small, is one too many");
});

test("createPacker: a card as tall as the page fits an empty column", () => {
  const packer = createPacker({ columns: 1, capacity: 100, gap: 10 });
  assert.deepEqual(packer.add(100), { page: 0, column: 0 });
  assert.deepEqual(packer.add(1), { page: 1, column: 0 });
});

test("createPacker: the gap is counted per column", () => {
  const packer = createPacker({ columns: 2, capacity: 100, gap: 10 });
  packer.add(45); // column 0
  packer.add(45); // column 1
  assert.deepEqual(packer.add(45), { page: 0, column: 0 }, "45 + 10 + 45 = 100 fits");
  assert.deepEqual(packer.add(46), { page: 1, column: 0 }, "45 + 10 + 46 = 101 does not");
});

test("createPacker: the first card of a new page carries no gap either", () => {
  const packer = createPacker({ columns: 1, capacity: 100, gap: 10 });
  packer.add(60);
  assert.deepEqual(packer.add(50), { page: 1, column: 0 }, "60 + 10 + 50 overflows page 0");
  assert.deepEqual(packer.add(40), { page: 1, column: 0 }, "50 + 10 + 40 = 100 fits page 1");
  assert.deepEqual(packer.add(1), { page: 2, column: 0 });
});

test("createPacker: a card no column can take starts a new page, in column 0", () => {
  const packer = createPacker({ columns: 2, capacity: 100, gap: 0 });
  packer.add(90); // page 0, column 0
  packer.add(20); // page 0, column 1
  assert.deepEqual(packer.add(90), { page: 1, column: 0 }, "20 + 90 > 100, and column 1 was the shortest");
  assert.equal(packer.pageCount(), 2);
  assert.deepEqual(packer.columnsOf(0), [[0], [1]]);
  assert.deepEqual(packer.columnsOf(1), [[2], []]);
});

test("createPacker: once a page is left, later cards never go back to it, even small ones", () => {
  const packer = createPacker({ columns: 2, capacity: 100, gap: 0 });
  packer.add(90);
  packer.add(20);
  packer.add(90); // starts page 1
  assert.deepEqual(packer.add(10), { page: 1, column: 1 }, "not page 0, column 1, which has room for it");
  assert.deepEqual(packer.add(10), { page: 1, column: 1 });
  assert.deepEqual(packer.columnsOf(0), [[0], [1]]);
  assert.deepEqual(packer.columnsOf(1), [[2], [3, 4]]);
});

test("createPacker: in one column, a card taller than a page gets a page of its own", () => {
  const packer = createPacker({ columns: 1, capacity: 100, gap: 10 });
  assert.deepEqual(packer.add(30), { page: 0, column: 0 });
  assert.deepEqual(packer.add(250), { page: 1, column: 0 });
  assert.deepEqual(packer.add(30), { page: 2, column: 0 });
  assert.deepEqual(snapshot(packer), [[[0]], [[1]], [[2]]]);
});

test("createPacker: a first card taller than a page is kept, and nothing is stacked under it", () => {
  const packer = createPacker({ columns: 1, capacity: 100, gap: 10 });
  assert.deepEqual(packer.add(500), { page: 0, column: 0 });
  assert.deepEqual(packer.add(1), { page: 1, column: 0 });
  assert.deepEqual(snapshot(packer), [[[0]], [[1]]]);
});

test("createPacker: a card taller than a page when every column is in use starts the next page", () => {
  const packer = createPacker({ columns: 2, capacity: 100, gap: 10 });
  packer.add(40);
  packer.add(40);
  assert.deepEqual(packer.add(250), { page: 1, column: 0 });
  for (const height of [30, 30, 30, 60]) packer.add(height);
  assert.deepEqual(packer.columnsOf(1)[0], [2], "nothing is stacked under it");
  assert.deepEqual(snapshot(packer)[0], [[0], [1]], "page 0 is as it was");
});

test("createPacker: cards taller than a page are never dropped", () => {
  for (const columns of [1, 2, 3]) {
    const packer = createPacker({ columns, capacity: 100, gap: 10 });
    const heights = [300, 20, 150, 150, 20, 1000, 99, 101, 100];
    heights.forEach((height) => packer.add(height));
    const placed = snapshot(packer).flat(2).sort((a, b) => a - b);
    assert.deepEqual(placed, heights.map((_, index) => index), `${columns} column(s)`);
  }
});

test("createPacker: a card already placed never moves when more are added", () => {
  for (const [n, options] of SETTINGS.entries()) {
    const packer = createPacker(options);
    let before = snapshot(packer);
    for (const [index, height] of heightsFrom(100 + n, 150, 10, options.capacity + 40).entries()) {
      const where = packer.add(height);
      const after = snapshot(packer);
      assert.ok(after.length >= before.length, "pages are never taken away");
      before.forEach((columns, page) => {
        columns.forEach((column, c) => {
          assert.deepEqual(
            after[page][c].slice(0, column.length),
            column,
            `${JSON.stringify(options)}: card ${index} moved page ${page}, column ${c}`,
          );
        });
      });
      const grown = after[where.page][where.column];
      assert.equal(grown[grown.length - 1], index, `card ${index} is where add() said: ${JSON.stringify(where)}`);
      assert.equal(after.flat(2).length, index + 1, "one card more, and only one");
      before = after;
    }
  }
});

test("createPacker: pageCount counts the pages begun so far", () => {
  const packer = createPacker({ columns: 2, capacity: 100, gap: 0 });
  const counts = [100, 100, 100, 50, 50, 1].map((height) => (packer.add(height), packer.pageCount()));
  assert.deepEqual(counts, [1, 1, 2, 2, 2, 3]);
});

test("createPacker: the column count is floored, and at least 1", () => {
  assert.equal(createPacker({ columns: 2.7, capacity: 100, gap: 0 }).columnsOf(0).length, 2);
  for (const columns of [1, 0.5, 0, -3]) {
    const packer = createPacker({ columns, capacity: 100, gap: 0 });
    assert.equal(packer.columnsOf(0).length, 1, `columns: ${columns}`);
    assert.deepEqual(packer.add(10), { page: 0, column: 0 }, `columns: ${columns}`);
  }
});

// --- packPages -------------------------------------------------------------------

test("packPages: no cards is one page of empty columns", () => {
  assert.deepEqual(packPages([], { columns: 3, capacity: 100, gap: 10 }), [[[], [], []]]);
});

test("packPages: a worked example", () => {
  const pages = packPages([60, 30, 50, 20, 90, 10], { columns: 2, capacity: 100, gap: 10 });
  // 60 -> p0 c0; 30 -> p0 c1; 50 -> c1 (30+10+50 = 90); 20 -> c0 (60+10+20 = 90);
  // 90 -> shortest is c0 at 90, 90+10+90 > 100: page 1, c0; 10 -> p1 c1.
  assert.deepEqual(pages, [
    [
      [0, 3],
      [1, 2],
    ],
    [[4], [5]],
  ]);
});

test("packPages: every card appears exactly once across the pages", () => {
  for (const [n, options] of SETTINGS.entries()) {
    for (const count of [1, 2, 7, 40, 212]) {
      const heights = heightsFrom(n * 1000 + count, count, 20, options.capacity);
      const placed = packPages(heights, options).flat(2);
      assert.equal(placed.length, count, `${JSON.stringify(options)}, ${count} cards: how many placed`);
      assert.deepEqual(
        [...placed].sort((a, b) => a - b),
        heights.map((_, index) => index),
        `${JSON.stringify(options)}, ${count} cards: each index once`,
      );
    }
  }
});

test("packPages: cards keep their arrival order down each column and from page to page", () => {
  for (const [n, options] of SETTINGS.entries()) {
    const pages = packPages(heightsFrom(7 + n, 212, 15, options.capacity), options);
    let lastOfPreviousPage = -1;
    pages.forEach((columns, page) => {
      const onPage = columns.flat();
      for (const column of columns) {
        column.forEach((index, i) => {
          if (i > 0) assert.ok(index > column[i - 1], `page ${page}: ${column} is in arrival order`);
        });
      }
      assert.ok(Math.min(...onPage) > lastOfPreviousPage, `page ${page} starts after the page before ends`);
      lastOfPreviousPage = Math.max(...onPage);
    });
  }
});

test("packPages: no column overflows its page, unless it holds a single card taller than the page", () => {
  for (const [n, options] of SETTINGS.entries()) {
    const heights = heightsFrom(31 + n, 212, 1, options.capacity * 1.3);
    packPages(heights, options).forEach((columns, page) => {
      columns.forEach((column, c) => {
        const used = column.reduce((sum, index, i) => sum + heights[index] + (i > 0 ? options.gap : 0), 0);
        const oversized = column.length === 1 && heights[column[0]] > options.capacity;
        assert.ok(used <= options.capacity || oversized, `${JSON.stringify(options)}: page ${page}, column ${c}`);
      });
    });
  }
});

test("packPages: every page but the last could not take the next page's first card", () => {
  const options = { columns: 3, capacity: 400, gap: 12 };
  const heights = heightsFrom(5, 120, 30, 300);
  const pages = packPages(heights, options);
  assert.ok(pages.length > 3, "the example spans several pages");
  for (let page = 0; page + 1 < pages.length; page += 1) {
    const next = Math.min(...pages[page + 1].flat());
    const shortest = Math.min(
      ...pages[page].map((column) =>
        column.reduce((sum, index, i) => sum + heights[index] + (i > 0 ? options.gap : 0), 0),
      ),
    );
    assert.ok(shortest + options.gap + heights[next] > options.capacity, `page ${page} was full for card ${next}`);
  }
});

test("packPages gives the same pages as adding the cards to a packer one by one", () => {
  const options = { columns: 4, capacity: 600, gap: 16 };
  const heights = heightsFrom(99, 80, 40, 500);
  const packer = createPacker(options);
  heights.forEach((height) => packer.add(height));
  assert.deepEqual(packPages(heights, options), snapshot(packer));
});

// --- wrapPage --------------------------------------------------------------------

test("wrapPage: forward within and past the last page", () => {
  const cases = [
    [0, 0],
    [1, 1],
    [6, 6],
    [7, 0],
    [8, 1],
    [15, 1],
  ];
  for (const [offset, page] of cases) assert.equal(wrapPage(offset, 7), page, `wrapPage(${offset}, 7)`);
});

test("wrapPage: negative offsets wrap back from the last page", () => {
  const cases = [
    [-1, 6],
    [-6, 1],
    [-7, 0],
    [-8, 6],
    [-15, 6],
  ];
  for (const [offset, page] of cases) assert.equal(wrapPage(offset, 7), page, `wrapPage(${offset}, 7)`);
});

test("wrapPage: large offsets both ways", () => {
  assert.equal(wrapPage(7e9 + 3, 7), 3);
  assert.equal(wrapPage(-(7e9 + 3), 7), 4);
  assert.equal(wrapPage(Number.MAX_SAFE_INTEGER, 2), 1);
  assert.equal(wrapPage(-Number.MAX_SAFE_INTEGER, 2), 1);
  assert.equal(wrapPage(1e6, 1000), 0);
});

test("wrapPage: one page, no pages or a nonsense page count all mean page 0", () => {
  for (const pages of [1, 0, -3, 0.5]) {
    for (const offset of [-5, -1, 0, 1, 5]) {
      assert.equal(wrapPage(offset, pages), 0, `wrapPage(${offset}, ${pages})`);
    }
  }
});

test("wrapPage: fractions are cut toward zero, a page count floored", () => {
  assert.equal(wrapPage(1.9, 7), 1);
  assert.equal(wrapPage(-1.9, 7), 6, "-1.9 is one step back");
  assert.equal(wrapPage(3, 2.9), 1, "2.9 pages are 2");
});

test("wrapPage: an offset that is not a number is no step", () => {
  for (const offset of [undefined, null, NaN, "next", {}]) {
    assert.equal(wrapPage(offset, 7), 0, `wrapPage(${String(offset)}, 7)`);
  }
  assert.equal(wrapPage("3", 7), 3, "a numeric string counts");
});

test("wrapPage always lands on a whole page in range, and a full lap changes nothing", () => {
  for (let pages = 1; pages <= 9; pages += 1) {
    for (let offset = -50; offset <= 50; offset += 1) {
      const page = wrapPage(offset, pages);
      assert.ok(Number.isInteger(page) && page >= 0 && page < pages, `wrapPage(${offset}, ${pages}) = ${page}`);
      assert.equal(wrapPage(offset + pages, pages), page, `wrapPage(${offset} + ${pages}, ${pages})`);
    }
  }
});

// --- pagerText -------------------------------------------------------------------

test("pagerText: several pages name the page (from 1) and the total", () => {
  assert.equal(pagerText(1, 7, 212), "Page 2 of 7 · 212 answers");
  assert.equal(pagerText(0, 7, 212), "Page 1 of 7 · 212 answers");
  assert.equal(pagerText(6, 7, 212), "Page 7 of 7 · 212 answers");
  assert.equal(pagerText(0, 2, 2), "Page 1 of 2 · 2 answers");
});

test("pagerText: several pages with one answer still say it in the singular", () => {
  assert.equal(pagerText(0, 2, 1), "Page 1 of 2 · 1 answer");
});

test("pagerText: everything on one page says All", () => {
  assert.equal(pagerText(0, 1, 12), "All 12 answers");
  assert.equal(pagerText(0, 1, 2), "All 2 answers");
  assert.equal(pagerText(0, 0, 12), "All 12 answers", "no pages counts as one");
});

test("pagerText: one answer, or none, is just the count (never 'All 1 answer' or 'All 0 answers')", () => {
  assert.equal(pagerText(0, 1, 1), "1 answer");
  assert.equal(pagerText(0, 1, 0), "0 answers");
  assert.equal(pagerText(0, 0, 0), "0 answers");
});

// --- clampLines ------------------------------------------------------------------

test("clampLines: as many whole lines as fit the page, at most 8 by default", () => {
  assert.equal(clampLines(100, 20, 20), 4, "(100 - 20) / 20");
  assert.equal(clampLines(100, 30, 0), 3, "3.33 lines are 3");
  assert.equal(clampLines(179, 20, 20), 7, "7.95 lines are 7");
  assert.equal(clampLines(400, 20, 40), 8, "18 would fit; 8 is the most");
  assert.equal(clampLines(180, 20, 20), 8, "exactly 8 fit");
});

test("clampLines: `most` raises or lowers the ceiling", () => {
  assert.equal(clampLines(400, 20, 40, 30), 18);
  assert.equal(clampLines(400, 20, 40, 3), 3);
  assert.equal(clampLines(400, 20, 40, 2), 2);
});

test("clampLines: never fewer than 2 lines, even on a page too small for them", () => {
  assert.equal(clampLines(30, 20, 0), 2, "1.5 lines");
  assert.equal(clampLines(20, 20, 0), 2, "1 line");
  assert.equal(clampLines(10, 20, 40), 2, "less than no room");
  assert.equal(clampLines(0, 20, 10), 2, "a page not laid out yet");
});

test("clampLines: no usable line height gives the most", () => {
  for (const lineHeight of [0, -5, NaN, undefined, null, "20px"]) {
    assert.equal(clampLines(400, lineHeight, 20), 8, `lineHeight ${String(lineHeight)}`);
    assert.equal(clampLines(400, lineHeight, 20, 5), 5, `lineHeight ${String(lineHeight)}, most 5`);
  }
});

test("clampLines is a whole number from 2 to `most`, and the lines fit whenever 2 do", () => {
  for (const capacity of [0, 15, 40, 99, 100, 101, 333, 720, 1080]) {
    for (const lineHeight of [1, 12.5, 18, 24, 31.7, 48]) {
      for (const padding of [0, 8, 24, 60]) {
        for (const most of [2, 3, 8, 12]) {
          const lines = clampLines(capacity, lineHeight, padding, most);
          const call = `clampLines(${capacity}, ${lineHeight}, ${padding}, ${most}) = ${lines}`;
          assert.ok(Number.isInteger(lines) && lines >= 2 && lines <= most, call);
          if (2 * lineHeight + padding <= capacity) assert.ok(lines * lineHeight + padding <= capacity, call);
        }
      }
    }
  }
});

test("createPacker: the gap counts after a card of no height, so no column outgrows its page", () => {
  assert.deepEqual(packPages([0, 95], { columns: 1, capacity: 100, gap: 10 }), [[[0]], [[1]]]);
});

test("createPacker: a card taller than a page takes an empty column of the page as it is", () => {
  assert.deepEqual(packPages([50, 150], { columns: 2, capacity: 100, gap: 10 }), [[[0], [1]]]);
});

test("createPacker: items counts the cards placed", () => {
  const packer = createPacker({ columns: 2, capacity: 100, gap: 10 });
  packer.add(10);
  packer.add(10);
  assert.equal(packer.items, 2);
});
