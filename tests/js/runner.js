// A tiny unit-test harness for the pure ES-module cores in static/js: no build
// step, no dependencies. A test file registers tests; runner.html imports it and
// calls run(); tests/e2e/test_js_units.py reads the results from the page.
//
//   import { test, assert } from "/tests/js/runner.js";
//   test("adds", () => assert.equal(1 + 1, 2));
//
// run() publishes window.__results = [{ name, ok, error }] and then sets
// window.__done = true. While a test runs, window.__current is its name.

const tests = [];

/** Register a test; `fn` may be async. Names must be unique (they are the report). */
export function test(name, fn) {
  if (tests.some((t) => t.name === name)) throw new Error(`two tests are named ${JSON.stringify(name)}`);
  tests.push({ name, fn });
}

export class AssertionError extends Error {
  name = "AssertionError";
}

function show(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (Object.is(value, -0)) return "-0";
  if (value === undefined || typeof value === "number" || typeof value === "function") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function fail(message, detail) {
  throw new AssertionError(message ? `${message}: ${detail}` : detail);
}

/** Structural equality: arrays by element, plain objects by own keys, the rest by Object.is. */
function same(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && same(a[key], b[key]));
}

export const assert = {
  ok(value, message) {
    if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
  },
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
  },
  deepEqual(actual, expected, message) {
    if (!same(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
  },
  /** `fn` must throw; `expected`, if given, is an Error class or a RegExp for the message. */
  throws(fn, expected, message) {
    try {
      fn();
    } catch (error) {
      if (expected instanceof RegExp && !expected.test(String(error && error.message))) {
        fail(message, `threw ${show(String(error))}, which does not match ${expected}`);
      }
      if (typeof expected === "function" && !(error instanceof expected)) {
        fail(message, `threw ${show(String(error))}, not a ${expected.name}`);
      }
      return;
    }
    fail(message, "expected the function to throw, and it did not");
  },
};

function describe(error) {
  if (!(error instanceof Error)) return `threw ${show(error)}`;
  if (error instanceof AssertionError) return error.message;
  // An unexpected error: say where it came from.
  const where = String(error.stack || "").split("\n").find((line) => line.trim().startsWith("at "));
  return `${error.name}: ${error.message}${where ? ` (${where.trim()})` : ""}`;
}

/** Run every registered test in order, publish the results on window, and return them. */
export async function run() {
  const results = [];
  for (const { name, fn } of tests) {
    window.__current = name;
    try {
      await fn();
      results.push({ name, ok: true, error: null });
    } catch (error) {
      results.push({ name, ok: false, error: describe(error) });
    }
  }
  window.__current = null;
  window.__results = results;
  window.__done = true;
  return results;
}
