"""The grouping engines against a hand-labelled set: quality per question, time and memory.

    python bench/grouping.py                  # make bench-grouping: every engine, 3 timing runs
    python bench/grouping.py --engines lexical --runs 1 --granularity -0.3

Quality: for each engine and each question of bench/data/answers.jsonl, the adjusted Rand
index (scikit-learn's) and the pairwise F1 (pairs of answers put together, against the
pairs the labels put together) of the engine's groups against the themes, and the mean
over questions. Off-topic answers count as a group each (bench/data/README.md).

Cost: grouping 2,000 answers to one question (the set's answers, perturbed: typos, case,
a word added or dropped), in a fresh process with one BLAS thread, --runs times: the
model's loading, the grouping itself, and the process's peak memory (ru_maxrss).
The figures go to docs/grouping.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "answers.jsonl"
OFF_TOPIC = "off-topic"
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def load_answers(path: Path = DATA) -> dict[str, list[dict[str, str]]]:
    """Return the labelled answers by question, in file order."""
    by_question: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                by_question[row["question"]].append(row)
    return dict(by_question)


def truth(rows: list[dict[str, str]]) -> list[str]:
    """Return each answer's theme, an off-topic answer being a theme of its own."""
    return [
        f"{OFF_TOPIC}#{index}" if row["theme"] == OFF_TOPIC else row["theme"]
        for index, row in enumerate(rows)
    ]


def pairwise_f1(expected: list[str], found: list[int]) -> float:
    """Return the F1 of the pairs put in one group, against the pairs the labels join."""
    from sklearn.metrics.cluster import pair_confusion_matrix

    (_, false_pos), (false_neg, true_pos) = pair_confusion_matrix(expected, found)
    together = 2 * true_pos + false_pos + false_neg
    return float(2 * true_pos / together) if together else 1.0


def quality(engine_name: str, granularity: float) -> list[dict[str, Any]]:
    """Return, per question, the engine's ARI, pairwise F1 and group counts."""
    from sklearn.metrics import adjusted_rand_score

    from workshop.grouping import get_engine

    engine = get_engine(engine_name)
    results = []
    for question, rows in load_answers().items():
        groups = engine.group([row["text"] for row in rows], granularity=granularity)
        found = [0] * len(rows)
        for number, group in enumerate(groups):
            for index in group.members:
                found[index] = number
        expected = truth(rows)
        results.append(
            {
                "question": question,
                "answers": len(rows),
                "themes": len({row["theme"] for row in rows if row["theme"] != OFF_TOPIC}),
                "groups": len(groups),
                "multi": sum(1 for group in groups if len(group.members) > 1),
                "ari": float(adjusted_rand_score(expected, found)),
                "f1": pairwise_f1(expected, found),
            }
        )
    return results


def perturbed(texts: list[str], count: int, seed: int = 2000) -> list[str]:
    """Return `count` answers made from these: each one copied with a small change."""
    rng = random.Random(seed)
    fillers = ["really", "also", "I think", "for us", "mostly", "!"]
    out = []
    for number in range(count):
        words = texts[number % len(texts)].split()
        change = rng.randrange(5)
        if change == 0 and len(words[0]) > 3:  # a typo: two letters swapped
            word = words[0]
            at = rng.randrange(len(word) - 1)
            words[0] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif change == 1:
            words.insert(rng.randrange(len(words) + 1), rng.choice(fillers))
        elif change == 2 and len(words) > 2:
            del words[rng.randrange(len(words))]
        elif change == 3:
            words = [word.lower() for word in words]
        out.append(" ".join(words))
    return out


def child(engine_name: str, count: int) -> None:
    """Time one engine on `count` answers in this (fresh) process and print the figures."""
    import resource
    import time

    started = time.perf_counter()
    from workshop.grouping import get_engine

    engine = get_engine(engine_name)
    engine.group(["warm up", "the model"])  # loads the model, if the engine has one
    loaded = time.perf_counter()
    texts = perturbed([row["text"] for rows in load_answers().values() for row in rows], count)
    begun = time.perf_counter()
    groups = engine.group(texts)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"load": loaded - started, "group": done - begun, "groups": len(groups), "mb": peak}
    print(json.dumps(report))


def timing(engine_name: str, count: int) -> dict[str, float]:
    """Return one fresh process's figures for grouping `count` answers on one core."""
    command = [sys.executable, __file__, "--child", engine_name, "--answers", str(count)]
    env = {**os.environ, **ONE_CORE}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def span(values: list[float], unit: str, digits: int = 2) -> str:
    low, high = min(values), max(values)
    if round(low, digits) == round(high, digits):
        return f"{low:.{digits}f} {unit}"
    return f"{low:.{digits}f}-{high:.{digits}f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", nargs="*", help="Engine names (default: every installed).")
    parser.add_argument("--granularity", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=3, help="Timing runs (0: quality only).")
    parser.add_argument("--answers", type=int, default=2000, help="Answers in a timing run.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, options.answers)
        return

    from workshop.grouping import engines

    names = options.engines or list(engines())
    for name in names:
        results = quality(name, options.granularity)
        print(f"\n{name} (granularity {options.granularity:+.2f})")
        header = ("answers", "themes", "groups", "≥2", "ARI", "F1")
        print(f"  {'question':<15}" + "".join(f"{h:>8}" for h in header))
        for row in results:
            print(
                f"  {row['question']:<15}{row['answers']:>8}{row['themes']:>8}{row['groups']:>8}"
                f"{row['multi']:>8}{row['ari']:>8.3f}{row['f1']:>8.3f}"
            )
        ari, f1 = mean(r["ari"] for r in results), mean(r["f1"] for r in results)
        print(f"  {'mean':<15}{'':>32}{ari:>8.3f}{f1:>8.3f}")
        if options.runs:
            runs = [timing(name, options.answers) for _ in range(options.runs)]
            print(
                f"  {options.answers} answers, one core, {options.runs} fresh processes: "
                f"load {span([r['load'] for r in runs], 's')}, "
                f"grouping {span([r['group'] for r in runs], 's')}, "
                f"{span([r['groups'] for r in runs], 'groups', 0)}, "
                f"peak memory {span([r['mb'] for r in runs], 'MB', 0)}"
            )


if __name__ == "__main__":
    main()
