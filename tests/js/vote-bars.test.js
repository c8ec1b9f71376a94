// Unit tests of static/js/vote-bars.js: a dot vote's results as ranked bars and words.
import { assert, test } from "/tests/js/runner.js";
import { barLabel, rankedBars, resultsNote, turnoutText, voteTargets } from "/static/js/vote-bars.js";

const vote = {
  status: "open",
  dots: 3,
  stack: false,
  voters: 4,
  cast: 10,
  items: [
    { id: 1, label: "Health", dots: 2 },
    { id: 2, label: "Costs", dots: 5 },
    { id: 3, label: "Schools", dots: 2 },
    { id: 4, label: "Wifi", dots: 1 },
  ],
};

test("rankedBars: most dotted first, ties in the vote's order, lengths against the leader", () => {
  const bars = rankedBars(vote);
  assert.deepEqual(bars.map((b) => b.label), ["Costs", "Health", "Schools", "Wifi"]);
  assert.deepEqual(bars.map((b) => b.rank), [1, 2, 3, 4]);
  assert.deepEqual(bars.map((b) => b.share), [1, 0.4, 0.4, 0.2]);
});

test("rankedBars: no dots yet gives empty bars; hidden results give none", () => {
  const none = rankedBars({ ...vote, items: vote.items.map((i) => ({ ...i, dots: 0 })) });
  assert.deepEqual(none.map((b) => b.share), [0, 0, 0, 0]);
  assert.deepEqual(rankedBars({ ...vote, items: [{ id: 1, label: "Health" }] }), []);
  assert.deepEqual(rankedBars(null), []);
});

test("turnoutText and resultsNote say who voted and what the results are", () => {
  assert.equal(turnoutText(vote), "4 people have voted · 10 dots placed · 3 dots each");
  assert.equal(turnoutText({ ...vote, voters: 0, stack: true }), "Nobody has voted yet · 3 dots each, several on one allowed");
  assert.equal(turnoutText({ ...vote, status: "closed", voters: 1, cast: 1, dots: 1 }), "1 person voted · 1 dot placed · 1 dot each");
  assert.equal(resultsNote(vote), "Live results.");
  assert.equal(resultsNote({ ...vote, items: [{ id: 1, label: "Health" }] }), "Results when the vote closes.");
  assert.equal(resultsNote({ ...vote, status: "closed" }), "The vote has closed.");
});

test("barLabel reads a bar out with its place", () => {
  const bars = rankedBars(vote);
  assert.equal(barLabel(bars[0]), "Costs: 5 dots, first");
  assert.equal(barLabel(bars[1]), "Health: 2 dots, 2nd");
  assert.equal(barLabel({ label: "X", dots: 1, rank: 11 }), "X: 1 dot, 11th");
  assert.equal(barLabel({ label: "X", dots: 1, rank: 23 }), "X: 1 dot, 23rd");
});

test("voteTargets: during a question, its themes and its answers, saying what is missing", () => {
  const answers = new Map([1, 2, 3].map((id) => [id, { id, question_id: 7, hidden: id === 3 }]));
  const themes = [{ scope: "question:7", status: "accepted" }, { scope: "question:7", status: "suggested" }];
  const found = voteTargets({ phase: "questions", question: { id: 7, number: 2 }, questions: [], fields: [], themes, answers });
  assert.deepEqual(found.map((t) => [t.value, t.count, t.why]), [
    ["themes|question:7", 1, "accept two themes first"],
    ["answers|question:7", 2, ""],
  ]);
  assert.deepEqual(found[1].payload, { kind: "answers", scope: "question:7" });
});

test("voteTargets: in the synthesis, statements and themes per field", () => {
  const themes = [
    { scope: "question:7", status: "accepted" },
    { scope: "question:7", status: "accepted" },
  ];
  const found = voteTargets({
    phase: "synthesis",
    question: null,
    questions: [{ id: 7, number: 2, field: "vision" }],
    fields: [{ key: "vision", label: "Vision" }],
    themes,
    answers: new Map(),
  });
  assert.deepEqual(found.map((t) => t.value), ["statements|vision", "themes|field:vision", "themes|question:7"]);
  assert.equal(found[2].why, "");
});
