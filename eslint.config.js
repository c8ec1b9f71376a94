// ESLint for the browser code in static/js (ES modules, no build step) and for its
// unit tests in tests/js (ES modules too, run in Chromium by tests/e2e/test_js_units.py).
// `make lint` runs it with ruff; CI runs `make lint`.
import js from "@eslint/js";
import globals from "globals";

const rules = {
  "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
  eqeqeq: ["error", "always"],
  "no-var": "error",
  "prefer-const": "error",
};

export default [
  { ignores: ["static/vendor/**", "node_modules/**", ".venv/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      // socket.io's client comes from static/vendor as a classic script; live.js
      // reaches it as globalThis.io.
      globals: globals.browser,
    },
    rules,
  },
  {
    files: ["tests/js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules,
  },
];
