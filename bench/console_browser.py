"""The facilitator's console in a real browser, with a room's worth of answers on one question.

    python bench/console_browser.py                    # make bench-console: 50 and 2,000, 3 runs
    python bench/console_browser.py --answers 2000 --runs 5

For each size it starts the product (`python wsgi.py`, SQLite in a temporary
folder), writes that many people, each with one answer to the first question,
straight into the database, and opens the console in Chromium (Playwright, as
the browser tests do). It measures, in the browser's own performance timeline:

- load: from navigation to the first answers on screen;
- first render: the console's render pass that laid out the room's answers;
- a new answer: NEW_ANSWERS phones each send one; for each, the console's render
  pass that showed it, and the time from the send to the card in the page as the
  driving script sees it (an upper bound: it includes Playwright's round trips).

The smallest size is the reference measured in the same run, so the 2,000 figures
also read as ratios to it. Results are printed as JSON and as a Markdown table for
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import ARGS, CHROMIUM  # noqa: E402  (the browser the tests use)
from tests.server.live_server import (  # noqa: E402  (the same helpers the tests use)
    fresh_workshop,
    live_console,
    phone_client,
    running_server,
)

NEW_ANSWERS = 12
LAPTOP = {"width": 1440, "height": 900}


def write_room(database: str, workshop_id: int, question_id: int, size: int) -> None:
    """`size` people, each with one answer of a few words to the question."""
    engine = sqlalchemy.create_engine(database)
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO participants (workshop_id, name, joined_at) "
                "VALUES (:w, :n, CURRENT_TIMESTAMP)"
            ),
            [{"w": workshop_id, "n": f"Person {n}"} for n in range(size)],
        )
        people = connection.execute(
            sqlalchemy.text("SELECT id FROM participants WHERE workshop_id = :w ORDER BY id"),
            {"w": workshop_id},
        ).scalars()
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO answers (workshop_id, question_id, participant_id, text, hidden, "
                "created_at, updated_at) "
                "VALUES (:w, :q, :p, :t, :h, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            [
                {
                    "w": workshop_id,
                    "q": question_id,
                    "p": p,
                    "t": f"Reach new markets {n}",
                    "h": False,
                }
                for n, p in enumerate(people)
            ],
        )
    engine.dispose()


RENDERS = "() => performance.getEntriesByName('console-render').map((e) => e.duration)"


def one_run(browser: Any, size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'bench.db'}"
        with running_server(Path(folder), "gevent", database_url=database) as url:
            facilitator, workshop_id, code = fresh_workshop(url, "Console bench")
            console = live_console(url, facilitator, workshop_id)
            assert console.send("workshop:start")["ok"]
            state = console.send("console:join", {"workshop_id": workshop_id})["state"]
            question_id = state["questions"][0]["id"]
            write_room(database, workshop_id, question_id, size)
            phones = [phone_client(url, code, workshop_id, f"Late {n}") for n in range(NEW_ANSWERS)]

            context = browser.new_context(viewport=LAPTOP)
            context.add_cookies(
                [{"name": c.name, "value": c.value or "", "url": url} for c in facilitator.cookies]
            )
            page = context.new_page()
            page.goto(f"{url}/workshops/{workshop_id}/console")
            # Milliseconds since the navigation began, read on the frame the answers appear.
            load = page.wait_for_function(
                "() => document.querySelectorAll('#current-answers .answer-card').length > 0"
                " && performance.now()",
                polling="raf",
            ).json_value()
            first_render = max(page.evaluate(RENDERS))

            renders: list[float] = []
            arrivals: list[float] = []
            for n, late in enumerate(phones):
                page.evaluate("() => performance.clearMeasures('console-render')")
                text = f"A late answer number {n}"
                start = time.perf_counter()
                assert late.send("answer:submit", {"question_id": question_id, "text": text})["ok"]
                page.wait_for_function(
                    "(t) => [...document.querySelectorAll('#current-answers .answer-text')]"
                    ".some((p) => p.textContent === t)",
                    arg=text,
                    polling="raf",
                )
                arrivals.append((time.perf_counter() - start) * 1000)
                renders.append(max(page.evaluate(RENDERS) or [0.0]))
            context.close()
            for late in phones:
                late.close()
            console.close()
    return {"load": load, "first_render": first_render, "renders": renders, "arrivals": arrivals}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, nargs="+", default=[50, 2000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    results: dict[int, list[dict[str, Any]]] = {size: [] for size in args.answers}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.runs):
            for size in args.answers:  # interleaved, so both sizes see the same machine
                results[size].append(one_run(browser, size))
        browser.close()

    summary: dict[int, dict[str, list[float]]] = {}
    for size, runs in results.items():
        summary[size] = {
            "load_ms": [r["load"] for r in runs],
            "first_render_ms": [r["first_render"] for r in runs],
            "new_answer_render_p50_ms": [statistics.median(r["renders"]) for r in runs],
            "new_answer_render_p95_ms": [p95(r["renders"]) for r in runs],
            "new_answer_on_screen_p50_ms": [statistics.median(r["arrivals"]) for r in runs],
            "new_answer_on_screen_p95_ms": [p95(r["arrivals"]) for r in runs],
        }
    print(json.dumps(summary, indent=2))
    smallest = min(summary)
    print(
        f"\n| answers | measure | range over {args.runs} runs (ms) | ratio to {smallest} answers |"
    )
    print("| --- | --- | --- | --- |")
    for size, figures in summary.items():
        for measure, values in figures.items():
            reference = statistics.median(summary[smallest][measure])
            ratio = statistics.median(values) / reference if reference else float("nan")
            print(
                f"| {size} | {measure.removesuffix('_ms').replace('_', ' ')} "
                f"| {min(values):.0f} to {max(values):.0f} | {ratio:.2f}x |"
            )


if __name__ == "__main__":
    main()
