// Unit tests of static/js/themes-core.js: which themes a scope shows, what is in no theme,
// late answers' offers, and what the projector's board says.
import { assert, test } from "/tests/js/runner.js";
import {
  boardPage,
  boardSummary,
  groupable,
  labelFrom,
  liveOffers,
  needsFit,
  offerText,
  replaceScope,
  scopeThemes,
  stepGranularity,
  summaryText,
  unthemed,
} from "/static/js/themes-core.js";

const answers = new Map(
  [
    { id: 1, text: "Get into hospitals" },
    { id: 2, text: "Reach the healthcare sector" },
    { id: 3, text: "Lower our costs", hidden: true },
    { id: 4, text: "Cut costs" },
    { id: 5, text: "Spend less", merged_into: 4 },
    { id: 6, text: "Coffee?" },
  ].map((a) => [a.id, a]),
);
const themes = [
  { id: 10, scope: "question:1", label: "Costs", status: "suggested", answers: [3, 4, 5] },
  { id: 11, scope: "question:1", label: "Health", status: "accepted", answers: [1, 2] },
  { id: 12, scope: "question:2", label: "Elsewhere", status: "accepted", answers: [7] },
];

test("scopeThemes: only the scope's, accepted first, counting only shown answers", () => {
  const shown = scopeThemes(themes, "question:1", answers);
  assert.deepEqual(shown.map((t) => t.id), [11, 10]);
  assert.deepEqual(shown.map((t) => t.count), [2, 1]);
  assert.deepEqual(shown[1].members.map((a) => a.id), [4]);
});

test("replaceScope: a scope's themes give way to the new ones, others stay", () => {
  const next = replaceScope(themes, "question:1", [{ id: 13, scope: "question:1", answers: [] }]);
  assert.deepEqual(next.map((t) => t.id).sort(), [12, 13]);
});

test("unthemed and groupable: what the facilitator has still to place", () => {
  const list = Array.from(answers.values());
  assert.deepEqual(unthemed(list, themes.slice(0, 2)).map((a) => a.id), [6]);
  assert.deepEqual(groupable(list).map((a) => a.id), [1, 2, 4, 6]);
  assert.deepEqual(groupable([{ id: 9, author_removed: true }]), []);
});

test("liveOffers: only answers still loose and shown, only to accepted themes", () => {
  const offers = [
    { theme_id: 11, answer_ids: [6, 1, 3] },
    { theme_id: 10, answer_ids: [6] },
  ];
  const live = liveOffers(offers, themes.slice(0, 2), answers);
  assert.deepEqual([...live.entries()], [[11, [6]]]);
});

test("needsFit: a new loose answer next to an accepted theme asks once", () => {
  assert.equal(needsFit([], [6], true), true);
  assert.equal(needsFit([6], [6], true), false);
  assert.equal(needsFit([6], [6, 8], true), true);
  assert.equal(needsFit([], [6], false), false);
  assert.equal(needsFit([], [], true), false);
});

test("texts: offers, the panel's summary, a made-up label", () => {
  assert.equal(offerText(1, "Health"), "1 new answer fits “Health”");
  assert.equal(offerText(3, "Health"), "3 new answers fit “Health”");
  assert.equal(summaryText([], 0), "No answers yet");
  assert.equal(summaryText([], 4), "4 answers, no themes yet");
  const shown = scopeThemes(themes, "question:1", answers);
  assert.equal(summaryText(shown, 1), "2 themes (1 suggested) · 1 answer not yet in a theme");
  assert.equal(summaryText(shown.slice(0, 1), 0), "1 theme · every answer is in a theme");
  assert.equal(labelFrom("  Get   into hospitals "), "Get into hospitals");
  assert.equal(labelFrom("word ".repeat(30)).length <= 40, true);
  assert.equal(labelFrom("word ".repeat(30)).endsWith("…"), true);
  assert.equal(labelFrom(""), "New theme");
});

test("stepGranularity stays within the server's -2 to 2", () => {
  assert.equal(stepGranularity(0, -1), -1);
  assert.equal(stepGranularity(-2, -1), -2);
  assert.equal(stepGranularity(2, 1), 2);
});

test("boardPage: six themes a page, turning wraps round both ways", () => {
  const many = Array.from({ length: 9 }, (_, n) => ({ id: n }));
  assert.deepEqual(boardPage(many, 0).shown.map((t) => t.id), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(boardPage(many, 1), { page: 1, pages: 2, shown: many.slice(6) });
  assert.equal(boardPage(many, 2).page, 0);
  assert.equal(boardPage(many, -1).page, 1);
  assert.deepEqual(boardPage([], 3), { page: 0, pages: 1, shown: [] });
});

test("boardSummary says where every answer is", () => {
  const view = { answers: 200, unthemed: 20, themes: Array.from({ length: 9 }, (_, n) => ({ id: n })) };
  assert.equal(boardSummary(view, 1, 2), "Page 2 of 2 · 9 themes · 180 of 200 answers in a theme");
  assert.equal(boardSummary({ answers: 3, unthemed: 0, themes: [{ id: 1 }] }, 0, 1), "1 theme · all 3 answers in a theme");
  assert.equal(boardSummary({ answers: 4, unthemed: 4, themes: [] }, 0, 1), "No themes yet · 4 answers");
  assert.equal(boardSummary(null, 0, 1), "");
});
