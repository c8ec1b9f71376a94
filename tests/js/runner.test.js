// The harness's own assertions: if these were lax, every other test file would pass for nothing.
import { AssertionError, assert, test } from "/tests/js/runner.js";

test("assert.equal compares with Object.is", () => {
  assert.equal(1, 1);
  assert.equal("a", "a");
  assert.equal(NaN, NaN);
  assert.throws(() => assert.equal(1, "1"), AssertionError);
  assert.throws(() => assert.equal(0, -0), AssertionError);
  assert.throws(() => assert.equal([1], [1]), AssertionError, "two arrays are two objects");
});

test("assert.equal's message says what was expected and what came", () => {
  assert.throws(() => assert.equal(3, 4, "sum"), /^sum: expected 4, got 3$/);
  assert.throws(() => assert.equal("x", undefined), /^expected undefined, got "x"$/);
});

test("assert.deepEqual compares arrays and plain objects by content", () => {
  assert.deepEqual([[1, 2], [], [3]], [[1, 2], [], [3]]);
  assert.deepEqual({ page: 0, column: 2 }, { column: 2, page: 0 });
  assert.deepEqual([NaN], [NaN]);
  assert.throws(() => assert.deepEqual([1, 2], [1, 2, 3]), AssertionError, "length");
  assert.throws(() => assert.deepEqual([[1]], [[2]]), AssertionError, "nested");
  assert.throws(() => assert.deepEqual({ a: 1 }, { a: 1, b: undefined }), AssertionError, "extra key");
  assert.throws(() => assert.deepEqual({ a: undefined }, { b: undefined }), AssertionError, "other key");
  assert.throws(() => assert.deepEqual([1], { 0: 1 }), AssertionError, "array and object");
  assert.throws(() => assert.deepEqual([0], [-0]), AssertionError, "-0");
  assert.throws(() => assert.deepEqual(null, {}), AssertionError, "null");
});

test("assert.ok wants a truthy value", () => {
  assert.ok(1);
  assert.ok("yes");
  for (const falsy of [0, "", null, undefined, false, NaN]) assert.throws(() => assert.ok(falsy), AssertionError);
});

test("assert.throws checks the error's class or message, and that there was one", () => {
  assert.throws(() => {
    throw new RangeError("too far");
  });
  assert.throws(() => {
    throw new RangeError("too far");
  }, RangeError);
  assert.throws(() => {
    throw new RangeError("too far");
  }, /far/);
  assert.throws(() => assert.throws(() => {}), /did not/);
  assert.throws(() => assert.throws(() => null.x, RangeError), /not a RangeError/);
  assert.throws(() => assert.throws(() => null.x, /far/), /does not match/);
});

test("an async test is awaited", async () => {
  const value = await new Promise((resolve) => setTimeout(() => resolve(42), 5));
  assert.equal(value, 42);
});

test("two tests with the same name are refused", () => {
  assert.throws(() => test("an async test is awaited", () => {}), /two tests are named/);
});
