"""Summarise a py-spy raw (collapsed-stack) profile: where the server's samples went.

    python bench/profile_summary.py /tmp/prof/gevent-200.txt [--top 30] [--filter workshop]

Prints, per function, the share of samples in which it is on the stack
(inclusive) and at the top of the stack (self), so the hot path shows at once.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def load(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            stacks.append((frames.split(";"), int(count)))
    return stacks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--filter", default="", help="only functions whose frame contains this")
    args = parser.parse_args()
    stacks = load(args.profile)
    total = sum(count for _, count in stacks)
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for frames, count in stacks:
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    print(f"{total} samples")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title}:")
        shown = 0
        for frame, count in counter.most_common():
            if args.filter in frame:
                print(f"{100 * count / total:6.1f}%  {frame}")
                shown += 1
                if shown >= args.top:
                    break


if __name__ == "__main__":
    main()
