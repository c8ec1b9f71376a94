// Unit tests of static/js/list-window.js: the console's long lists, filtered and paged.
import { assert, test } from "/tests/js/runner.js";
import { LIST_PAGE, foldText, listWindow, moreLabel, nextLimit, windowSummary } from "/static/js/list-window.js";

const many = Array.from({ length: 2000 }, (_, n) => `answer ${n}`);

test("foldText: lower case, no accents, single spaces", () => {
  assert.equal(foldText("  Café   NOIR\tÉté "), "cafe noir ete");
  assert.equal(foldText(null), "");
});

test("listWindow: without a query it shows the first page, in the order given", () => {
  const view = listWindow(many);
  assert.equal(view.shown.length, LIST_PAGE);
  assert.equal(view.shown[0], "answer 0");
  assert.equal(view.matching, 2000);
  assert.equal(view.total, 2000);
});

test("listWindow: every typed word must appear, whatever its case or accents", () => {
  const items = ["Écoles et hôpitaux", "Reach schools", "Hospitals and schools"];
  assert.deepEqual(listWindow(items, { query: "ecoles" }).shown, ["Écoles et hôpitaux"]);
  assert.deepEqual(listWindow(items, { query: "SCHOOLS hosp" }).shown, ["Hospitals and schools"]);
  assert.equal(listWindow(items, { query: "   " }).matching, 3);
});

test("listWindow: matches are counted beyond the window", () => {
  const view = listWindow(many, { query: "answer 1", limit: 10 });
  assert.equal(view.shown.length, 10);
  assert.equal(view.matching, 1271); // "answer" and a 1 somewhere: 2000 less the 729 with no 1
});

test("listWindow: wordsOf chooses what is searched", () => {
  const people = [{ name: "Ana" }, { name: "Ben" }];
  assert.deepEqual(listWindow(people, { query: "be", wordsOf: (p) => p.name }).shown, [{ name: "Ben" }]);
});

test("nextLimit: a page more each time, never past the matches", () => {
  assert.equal(nextLimit(50, 2000), 100);
  assert.equal(nextLimit(1990, 2000), 2000);
  assert.equal(nextLimit(50, 20), 50);
});

test("windowSummary: says what the list holds, and nothing when it holds everything", () => {
  assert.equal(windowSummary(listWindow(many), ""), "Showing 50 of 2000 answers");
  assert.equal(windowSummary(listWindow(many.slice(0, 3)), ""), "");
  assert.equal(windowSummary(listWindow(many, { query: "answer 1999" }), "answer 1999"), "1 of 2000 answers matches");
  assert.equal(
    windowSummary(listWindow(many, { query: "answer 1", limit: 50 }), "answer 1"),
    "1271 of 2000 answers match (showing 50)",
  );
  assert.equal(windowSummary(listWindow(many, { query: "zebra" }), " zebra "), "No answer matches “zebra”");
  assert.equal(windowSummary(listWindow(["x", "y"]), "", "participant"), "");
});

test("moreLabel: a page at a time, then the last few, then nothing", () => {
  assert.equal(moreLabel(listWindow(many)), "Show 50 more");
  assert.equal(moreLabel(listWindow(many, { limit: 1990 })), "Show the last 10");
  assert.equal(moreLabel(listWindow(many, { limit: 2000 })), "");
});
