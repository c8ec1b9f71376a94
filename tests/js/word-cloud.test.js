// Unit tests of static/js/word-cloud.js: word sizes, placement without overlaps, and what the cloud says.
import { assert, test } from "/tests/js/runner.js";
import { cloudSummary, placeWords, sizesFor } from "/static/js/word-cloud.js";

function overlap(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function boxes(count, seed = 1) {
  let state = seed;
  const next = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  return Array.from({ length: count }, (_, n) => ({ key: `w${n}`, w: 40 + Math.round(next() * 160), h: 24 + (n < 5 ? 40 : 0) }));
}

test("sizesFor: the most said is largest, the least said smallest, in between by square root", () => {
  assert.deepEqual(sizesFor([16, 4, 1], { smallest: 20, largest: 80 }), [80, 40, 20]);
});

test("sizesFor: one word is as large as it gets; equal counts share the middle size", () => {
  assert.deepEqual(sizesFor([3], { smallest: 20, largest: 80 }), [80]);
  assert.deepEqual(sizesFor([2, 2, 2], { smallest: 20, largest: 80 }), [50, 50, 50]);
});

test("placeWords: the first word goes in the middle", () => {
  const [spot] = placeWords([{ key: "a", w: 100, h: 40 }], { width: 1000, height: 500 });
  assert.deepEqual(spot, { x: 450, y: 230 });
});

test("placeWords: no two words overlap, and every placed word is inside the area", () => {
  const items = boxes(60);
  const spots = placeWords(items, { width: 1600, height: 600, gap: 0 });
  const placed = spots.map((spot, n) => spot && { ...spot, w: items[n].w, h: items[n].h }).filter(Boolean);
  assert.ok(placed.length > 30, `only ${placed.length} of 60 placed`);
  for (const [n, a] of placed.entries()) {
    assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.w <= 1600 && a.y + a.h <= 600, `word ${n} is outside`);
    for (const b of placed.slice(n + 1)) assert.ok(!overlap(a, b), `words overlap at ${a.x},${a.y}`);
  }
});

test("placeWords: a word that fits nowhere is null, never drawn over another", () => {
  const spots = placeWords(
    [
      { key: "a", w: 100, h: 100 },
      { key: "b", w: 100, h: 100 },
    ],
    { width: 150, height: 100 },
  );
  assert.deepEqual(spots, [{ x: 25, y: 0 }, null]);
});

test("placeWords: a word of the same size keeps its place when a newcomer arrives", () => {
  const first = boxes(20);
  const spots = placeWords(first, { width: 1200, height: 500 });
  const previous = new Map(first.map((b, n) => [b.key, spots[n] && { ...spots[n], w: b.w, h: b.h }]).filter(([, v]) => v));
  const again = placeWords([{ key: "new", w: 60, h: 24 }, ...first], { width: 1200, height: 500, previous });
  assert.deepEqual(again.slice(1), spots);
  assert.ok(again[0] !== null, "the newcomer found room");
});

test("placeWords: a word that grew finds a new place; the others stay", () => {
  const first = boxes(10);
  const spots = placeWords(first, { width: 1200, height: 500 });
  const previous = new Map(first.map((b, n) => [b.key, { ...spots[n], w: b.w, h: b.h }]));
  const grown = first.map((b, n) => (n === 3 ? { ...b, w: b.w + 30 } : b));
  const again = placeWords(grown, { width: 1200, height: 500, previous });
  for (const n of [0, 1, 2, 4, 5, 6, 7, 8, 9]) assert.deepEqual(again[n], spots[n]);
});

test("cloudSummary: says how many words from how many answers, and how many are not drawn", () => {
  assert.equal(cloudSummary(14, 14, 212), "14 words from 212 answers");
  assert.equal(cloudSummary(57, 60, 1), "60 words from 1 answer · 3 more not shown");
  assert.equal(cloudSummary(1, 1, 1), "1 word from 1 answer");
});
