"""Dot-vote load bench: N phones vote at once against the real server; the database is checked.

    python bench/votes.py --n 200 --runs 1                   # a quick look (SQLite)
    python bench/votes.py --n 2000 --runs 3 --postgres       # make bench-votes (and bench-full)
    python bench/votes.py --n 200 --profile /tmp/prof        # py-spy profile of the two waves
    python bench/votes.py --n 2000 --spread 10 --postgres    # each wave spread over 10 s

The issue's target: "2,000 phones voting at once: ack p95 <= 50 ms and 0 lost or
double-counted dots". Each run starts the product (`python wsgi.py`, as bench/harness.py
does) on SQLite and, with --postgres, on PostgreSQL (the bench's own `workshop_bench`
database, emptied first), and plays:

1. a join storm: N phones join at once from worker processes (harness.py's join);
2. eight phones answer the first question and the console makes eight accepted themes
   of them (`theme:move`), then opens a dot vote on them (`vote:open`);
3. wave 1: every phone, as soon as the `state` carrying the vote reaches it, places a
   random allocation within its budget (`vote:dots`, seeded), all at once;
4. wave 2: about half the phones, all at once, move their dots (a new allocation,
   sometimes none at all);
5. after a settle, the database is read directly: per participant, the stored dots must be
   its last acknowledged allocation (lost: acknowledged dots missing or fewer; doubled:
   more rows or dots than acknowledged), nobody over budget, and the console's last
   coalesced `vote_results` must add up to the acknowledged allocations.

Every ack's latency is taken from send to acknowledgement on the phone's side. The phones
run on the same 2 cores as the server (and PostgreSQL), so each run also plays the same
two waves against the bare python-socketio reference (bench/reference_server.py: a
`workshop:next` broadcast, then every phone sends an `answer:submit`, which it
acknowledges at once): that is what the load generator itself measures on this machine.
The client side's CPU is reported beside the server's. The figures go to the "Dot votes"
section of docs/performance.md, one row per run and the ranges over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # the load harness's own helpers (bench/ is on the path)
    ROOT,
    Setup,
    _cpu,
    _join_product,
    _join_reference,
    _profiler,
    _reset_postgres,
    _start,
    listen_overflows,
    percentile,
    postgres_setup,
)

from tests.server.live_server import (  # the same helpers the tests use
    create_workshop,
    join_code,
    signed_up_facilitator,
)

ITEMS = 8  # accepted themes to vote on, one answer each
DOTS = 3  # each phone's budget
WAVE2_SHARE = 0.5  # the share of phones that move their dots in wave 2
TAKE_BACK = 0.1  # the share of wave 2's movers that take every dot back
WAVE_TIMEOUT = 90.0  # seconds a wave may take before the phones left are counted as missed
SETTLE = 5.0  # seconds the console's coalesced results may take to add up
SECTION = "## Dot votes\n"
RUNS_MARKER = "### Runs of bench/votes.py (newest first)\n"

Allocation = dict[str, int]  # item id (as JSON keys are: text) -> dots on it


def allocation(rng: random.Random, items: list[int], dots: int, stack: bool) -> Allocation:
    """Return a random allocation of 1 to `dots` dots, within the vote's rules."""
    count = rng.randint(1, dots if stack else min(dots, len(items)))
    if stack:
        return {str(item): n for item, n in Counter(rng.choices(items, k=count)).items()}
    return {str(item): 1 for item in rng.sample(items, count)}


# ---------------------------------------------------------------- the phones (worker processes)


@dataclass
class Phone:
    """One simulated phone: its socket, its own random draws, and what the server acknowledged."""

    number: int  # its join key is bench-<number>, as harness.py's join names it
    client: socketio.AsyncClient
    rng: random.Random
    delays: random.Random  # its own draws for --spread, so the allocations stay the same
    state_at: float = -1.0  # when the state with the open vote reached it
    acked: Allocation = field(default_factory=dict)  # the last acknowledged allocation
    pending: Allocation | None = None  # sent, never acknowledged (a timeout): may be stored
    task: asyncio.Task[None] | None = None


@dataclass
class Wave:
    """What one worker's phones saw in one wave."""

    acks: list[float] = field(default_factory=list)  # seconds from send to ack
    refused: Counter[str] = field(default_factory=Counter)  # error code -> count
    failed: int = 0  # no ack at all (timeout, disconnect)
    missed: int = 0  # the phone never got the vote (wave 1) or never finished

    def plain(self) -> tuple[list[float], dict[str, int], int, int]:
        """The wave as plain values, for the results queue."""
        return self.acks, dict(self.refused), self.failed, self.missed


async def _send(phone: Phone, job: dict[str, Any], vote: dict[str, Any], wave: Wave) -> None:
    """Place (or, against the reference, answer) once; record the latency and the outcome."""
    if job["target"] == "product":
        items = [item["id"] for item in vote["items"]]
        if phone.acked and phone.rng.random() < TAKE_BACK:
            dots = {}  # takes every dot back
        else:
            dots = allocation(phone.rng, items, vote["dots"], vote["stack"])
            while dots == phone.acked:  # a move changes something
                dots = allocation(phone.rng, items, vote["dots"], vote["stack"])
        event, payload = "vote:dots", {"vote_id": vote["id"], "dots": dots}
    else:
        dots = {}
        text = f"vote-{phone.number}-{len(wave.acks)}"
        event, payload = "answer:submit", {"question_id": 1, "text": text}
    if job["spread"]:  # a room that takes its time: each phone waits a moment of its own
        await asyncio.sleep(phone.delays.uniform(0, job["spread"]))
    began = time.perf_counter()
    try:
        ack = await phone.client.call(event, payload, timeout=30)
    except Exception:
        wave.failed += 1
        phone.pending = dots
        return
    took = time.perf_counter() - began
    if ack.get("ok"):
        wave.acks.append(took)
        if job["target"] == "product":
            phone.acked = {key: int(n) for key, n in ack["dots"].items()}
            phone.pending = None
    else:
        wave.refused[str(ack.get("error", {}).get("code", "?"))] += 1


async def _phones(job: dict[str, Any], control: Any, results: Any) -> None:
    loop = asyncio.get_running_loop()
    while time.time() < job["start_at"]:
        await asyncio.sleep(0.005)

    async def join(n: int) -> Phone | None:
        try:
            if job["target"] == "product":
                client = await _join_product(job["url"], job["code"], job["workshop_id"], n)
            else:
                client = await _join_reference(job["url"])
        except Exception:
            return None
        seed = f"{job['seed']}-{n}"
        return Phone(n, client, random.Random(seed), random.Random(seed + "-delay"))

    joined = await asyncio.gather(*(join(job["first"] + k) for k in range(job["count"])))
    phones = [phone for phone in joined if phone is not None]
    results.put(("joined", len(phones), job["count"] - len(phones), time.time()))
    gc.collect()  # as in harness.py: the simulators' own collections must not be measured
    gc.freeze()
    gc.disable()

    first = Wave()
    votes: dict[int, dict[str, Any]] = {}  # the vote each phone got, by phone number

    def on_state(phone: Phone, state: dict[str, Any]) -> None:
        vote = state.get("vote") if job["target"] == "product" else {"id": 0}
        if phone.task is not None or not vote or (job["target"] == "product" and not _open(vote)):
            return
        phone.state_at = time.time()
        votes[phone.number] = vote
        phone.task = asyncio.ensure_future(_send(phone, job, vote, first))

    for phone in phones:
        phone.client.on("state", lambda state, phone=phone: on_state(phone, state))

    while True:
        command = await loop.run_in_executor(None, control.get)
        if command[0] == "answers":  # the first phones answer, for the console's themes
            acks = await asyncio.gather(
                *(
                    phone.client.call(
                        "answer:submit",
                        {"question_id": phone.client.question_id, "text": f"Theme {k + 1}"},
                        timeout=30,
                    )
                    for k, phone in enumerate(phones[: command[1]])
                )
            )
            results.put(("answers", [ack["answer"]["id"] for ack in acks]))
        elif command[0] == "wave1":  # the vote was opened at command[1]
            deadline = command[1] + WAVE_TIMEOUT
            while any(p.task is None for p in phones) and time.time() < deadline:
                await asyncio.sleep(0.01)
            started = [p.task for p in phones if p.task is not None]
            _, late = await asyncio.wait(started, timeout=max(1.0, deadline - time.time()))
            first.missed = len(phones) - len(started) + len(late)
            arrivals = [p.state_at - command[1] for p in phones if p.state_at >= 0]
            results.put(("wave1", first.plain(), arrivals))
        elif command[0] == "wave2":  # about half the phones move their dots, all at once
            second = Wave()
            movers = [p for p in phones if p.number in votes and p.rng.random() < WAVE2_SHARE]
            await asyncio.gather(*(_send(p, job, votes[p.number], second) for p in movers))
            results.put(("wave2", second.plain(), len(movers)))
        elif command[0] == "report":
            results.put(("report", {p.number: (p.acked, p.pending) for p in phones}))
        else:  # "stop"
            break
    await asyncio.gather(*(p.client.disconnect() for p in phones), return_exceptions=True)


def _open(vote: dict[str, Any]) -> bool:
    return vote.get("status") == "open" and bool(vote.get("items"))


def worker(job: dict[str, Any], control: Any, results: Any) -> None:
    asyncio.run(_phones(job, control, results))


# ---------------------------------------------------------------- one run


@dataclass
class Figures:
    """One run against one server."""

    target: str
    database: str
    mode: str
    n: int
    run: int
    join_seconds: float = 0.0
    join_failures: int = 0
    to_phones: list[float] = field(default_factory=list)  # vote:open sent -> state on the phone
    wave1: list[float] = field(default_factory=list)
    wave2: list[float] = field(default_factory=list)
    movers: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    failed: int = 0  # calls with no ack at all
    missed: int = 0  # phones that never got the vote or never finished wave 1
    lost: int = 0  # participants whose stored dots lack acknowledged ones
    doubled: int = 0  # participants with more rows or dots stored than acknowledged
    applied_unacked: int = 0  # stored what was sent but never acknowledged (after a timeout)
    over_budget: int = 0
    tally_right: bool | None = None
    tally_note: str = ""
    waves_seconds: float = 0.0
    server_cpu: float = 0.0  # % of one core, over the two waves
    client_cpu: float = 0.0  # the phone workers and the console, % of one core
    db_cpu: float | None = None  # PostgreSQL's processes, % of one core
    others_cpu: float = 0.0  # the rest of the machine (other work on it), % of one core
    load: float = 0.0  # the 1-minute load average as the run began
    listen_overflows: int | None = None


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL process visible here, by pid."""
    found = {}
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] in ("postgres", "postmaster") and process.info["cpu_times"]:
            times = process.info["cpu_times"]
            found[process.pid] = times.user + times.system
    return found


def _cpu_of(processes: list[psutil.Process]) -> float:
    """CPU seconds of those processes."""
    return sum(t.user + t.system for t in (process.cpu_times() for process in processes))


def _since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings, by the processes alive at the second.

    A backend that started in between counts whole; one that ended in between is missed.
    """
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


def _busy() -> float:
    """CPU seconds the whole machine has been busy (every core, every process)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def _stored_dots(
    setup: Setup, folder: Path, workshop_id: int
) -> tuple[dict[str, int], dict[str, Any], list[tuple[int, int, int]]]:
    """Read, straight from the database: participants by join key, the vote, and its dots."""
    from sqlalchemy import create_engine, text

    engine = create_engine(setup.database_url or f"sqlite:///{folder / 'bench.db'}")
    where = {"w": workshop_id}
    with engine.connect() as db:
        people = db.execute(
            text("SELECT join_key, id FROM participants WHERE workshop_id = :w"), where
        )
        by_key = {key: pid for key, pid in people if key}
        vote = db.execute(
            text("SELECT id, dots, stack FROM votes WHERE workshop_id = :w ORDER BY id"), where
        ).one()
        rows = db.execute(
            text("SELECT participant_id, item_id, count FROM dots WHERE vote_id = :v"),
            {"v": vote.id},
        )
        dots = [(pid, item, count) for pid, item, count in rows]
    engine.dispose()
    return by_key, {"id": vote.id, "dots": vote.dots, "stack": bool(vote.stack)}, dots


def check_dots(
    figures: Figures,
    phones: dict[int, tuple[Allocation, Allocation | None]],
    by_key: dict[str, int],
    vote: dict[str, Any],
    rows: list[tuple[int, int, int]],
) -> Counter[int]:
    """Compare each participant's stored dots with its last acknowledged allocation.

    Fills lost, doubled, applied_unacked and over_budget; returns the stored dots by item.
    """
    stored: dict[int, Counter[int]] = {}
    seen_rows: Counter[tuple[int, int]] = Counter()
    for pid, item, count in rows:
        stored.setdefault(pid, Counter())[item] += count
        seen_rows[pid, item] += 1
    extra_rows = {pid for (pid, _), times in seen_rows.items() if times > 1}
    expected_of = {
        by_key[f"bench-{n}"]: (acked, pending)
        for n, (acked, pending) in phones.items()
        if f"bench-{n}" in by_key
    }
    for pid in set(stored) | set(expected_of):
        have = stored.get(pid, Counter())
        acked, pending = expected_of.get(pid, ({}, None))
        want = Counter({int(item): n for item, n in acked.items() if n})
        if sum(have.values()) > vote["dots"] or (
            not vote["stack"] and any(have[i] > 1 for i in have)
        ):
            figures.over_budget += 1
        if have == want and pid not in extra_rows:
            continue
        if pending is not None and have == Counter({int(i): n for i, n in pending.items() if n}):
            figures.applied_unacked += 1
            continue
        if any(have[item] < n for item, n in want.items()):
            figures.lost += 1
        if pid in extra_rows or any(n > want[item] for item, n in have.items()):
            figures.doubled += 1
    totals: Counter[int] = Counter()
    for have in stored.values():
        totals.update(have)
    return totals


def _acked_totals(
    phones: dict[int, tuple[Allocation, Allocation | None]],
) -> tuple[Counter[int], int]:
    totals: Counter[int] = Counter()
    voters = 0
    for acked, _ in phones.values():
        totals.update({int(item): n for item, n in acked.items()})
        voters += bool(acked)
    return totals, voters


def _tally(results: dict[str, Any]) -> tuple[Counter[int], int, int]:
    by_item = Counter({int(item["id"]): int(item["dots"]) for item in results["items"]})
    return by_item, int(results["voters"]), int(results["cast"])


def run_once(
    target: str,
    mode: str,
    n: int,
    run: int,
    workers: int,
    setup: Setup,
    seed: int,
    stack: bool,
    profile: Path | None,
    spread: float = 0.0,
) -> Figures:
    """One server, one storm, two waves; the database checked afterwards."""
    database = setup.database if target == "product" else "none (reference)"
    figures = Figures(target, database, mode, n, run, load=os.getloadavg()[0])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if target == "product" and setup.database_url:
            _reset_postgres(setup.database_url)
        overflows = listen_overflows()
        process, url = _start(target, mode, folder, setup)
        server = psutil.Process(process.pid)
        profiler = None
        console = socketio.Client(reconnection=False)
        tallies: list[dict[str, Any]] = []
        console.on("vote_results", tallies.append)
        procs: list[Any] = []
        try:
            time.sleep(0.5)
            job: dict[str, Any] = {"url": url, "target": target, "seed": seed, "spread": spread}
            if target == "product":
                facilitator = signed_up_facilitator(url)
                workshop_id = create_workshop(url, facilitator, f"Votes bench {run}")
                code = join_code(url, facilitator, workshop_id)
                cookie = "; ".join(f"{c.name}={c.value}" for c in facilitator.cookies)
                console.connect(url, headers={"Cookie": cookie}, transports=["websocket"])
                joined = console.call("console:join", {"workshop_id": workshop_id})
                assert joined["ok"], joined
                question_id = joined["state"]["questions"][0]["id"]
                assert console.call("workshop:start", {})["ok"]
                job.update(code=code, workshop_id=workshop_id)
            else:
                console.connect(url, transports=["websocket"])

            ctx = mp.get_context("spawn")
            results = ctx.Queue()
            controls = [ctx.Queue() for _ in range(workers)]
            start_at = time.time() + 2
            share = [n // workers + (1 if k < n % workers else 0) for k in range(workers)]
            for k in range(workers):
                spec = {**job, "worker": k, "first": sum(share[:k]), "count": share[k]}
                spec["start_at"] = start_at
                proc = ctx.Process(target=worker, args=(spec, controls[k], results))
                proc.start()
                procs.append(proc)
            joins = [results.get(timeout=600) for _ in range(workers)]
            figures.join_seconds = max(j[3] for j in joins) - start_at
            figures.join_failures = sum(j[2] for j in joins)
            print(
                f"  {target} {database} n={n} run {run}: join storm {figures.join_seconds:.1f} s "
                f"({figures.join_failures} failed)",
                flush=True,
            )
            time.sleep(0.5)  # presence and counts settle

            if target == "product":
                controls[0].put(("answers", ITEMS))
                _, answer_ids = results.get(timeout=120)
                scope = f"question:{question_id}"
                for k, answer_id in enumerate(answer_ids):
                    moved = console.call(
                        "theme:move",
                        {"scope": scope, "answer_ids": [answer_id], "label": f"Theme {k + 1}"},
                        timeout=30,
                    )
                    assert moved["ok"], moved
                time.sleep(0.5)

            clients = [psutil.Process(proc.pid) for proc in procs] + [psutil.Process()]
            if profile is not None and target == "product":  # the two waves, not the storm
                profile.mkdir(parents=True, exist_ok=True)
                out = profile / f"votes-{setup.database}-{mode}-{n}-run{run}.txt"
                profiler = _profiler(process.pid, out)
                time.sleep(1.0)  # py-spy attaches
            postgres = _postgres_cpu() if setup.database_url else {}
            cpu_before = (_cpu([server]), _cpu_of(clients), 0.0, time.time(), _busy())
            opened = time.time()
            if target == "product":
                options = {"kind": "themes", "scope": scope, "dots": DOTS, "stack": stack}
                ack = console.call("vote:open", options, timeout=30)
                assert ack["ok"], ack
            else:
                console.call("workshop:next", {}, timeout=30)
            for control in controls:
                control.put(("wave1", opened))
            for _ in range(workers):
                _, (acks, refused, failed, missed), arrivals = results.get(
                    timeout=WAVE_TIMEOUT + 60
                )
                figures.wave1.extend(acks)
                figures.refused.update(refused)
                figures.failed += failed
                figures.missed += missed
                figures.to_phones.extend(arrivals)
            time.sleep(1.0)
            for control in controls:
                control.put(("wave2",))
            for _ in range(workers):
                _, (acks, refused, failed, missed), movers = results.get(timeout=WAVE_TIMEOUT + 60)
                figures.wave2.extend(acks)
                figures.refused.update(refused)
                figures.failed += failed
                figures.missed += missed
                figures.movers += movers
            db_spent = _since(postgres, _postgres_cpu()) if setup.database_url else 0.0
            cpu_after = (_cpu([server]), _cpu_of(clients), db_spent, time.time(), _busy())
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=30)
                profiler = None
            figures.waves_seconds = span = cpu_after[3] - cpu_before[3]
            figures.server_cpu = 100 * (cpu_after[0] - cpu_before[0]) / span
            figures.client_cpu = 100 * (cpu_after[1] - cpu_before[1]) / span
            if setup.database_url:
                figures.db_cpu = 100 * (cpu_after[2] - cpu_before[2]) / span
            ours = sum(cpu_after[k] - cpu_before[k] for k in range(3))
            figures.others_cpu = max(0.0, 100 * (cpu_after[4] - cpu_before[4] - ours) / span)

            for control in controls:
                control.put(("report",))
            phones: dict[int, tuple[Allocation, Allocation | None]] = {}
            for _ in range(workers):
                phones.update(results.get(timeout=120)[1])
            if target == "product":
                _check(figures, phones, tallies, setup, folder, workshop_id)
            for control in controls:
                control.put(("stop",))
            for proc in procs:
                proc.join(timeout=60)
            if overflows is not None and (after := listen_overflows()) is not None:
                figures.listen_overflows = after - overflows
        finally:
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
            if console.connected:
                console.disconnect()
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=30)
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    print(f"  {_row(figures)}", flush=True)
    return figures


def _check(
    figures: Figures,
    phones: dict[int, tuple[Allocation, Allocation | None]],
    tallies: list[dict[str, Any]],
    setup: Setup,
    folder: Path,
    workshop_id: int,
) -> None:
    """Settle, then hold the database and the console's last results against the acks."""
    expected, voters = _acked_totals(phones)
    want = (+expected, voters, sum(expected.values()))
    deadline = time.time() + SETTLE
    while time.time() < deadline:
        if tallies and _same(tallies[-1], want):
            break
        time.sleep(0.05)
    time.sleep(0.5)  # whatever was still on its way lands before the database is read
    by_key, vote, rows = _stored_dots(setup, folder, workshop_id)
    stored = check_dots(figures, phones, by_key, vote, rows)
    if not tallies:
        figures.tally_right, figures.tally_note = False, "no vote_results reached the console"
        return
    _, got_voters, cast = _tally(tallies[-1])
    figures.tally_right = _same(tallies[-1], want) and +stored == want[0]
    if not figures.tally_right:
        figures.tally_note = (
            f"console {got_voters} voters / {cast} dots, acknowledged {voters} / {want[2]}, "
            f"stored {sum(stored.values())} dots"
        )


def _same(results: dict[str, Any], want: tuple[Counter[int], int, int]) -> bool:
    by_item, voters, cast = _tally(results)
    return +by_item == want[0] and voters == want[1] and cast == want[2]


# ---------------------------------------------------------------- the report


def _ms(values: list[float], p: float) -> float:
    return percentile(values, p) * 1000


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    return " / ".join(f"{_ms(values, p):.0f}" for p in (50, 95, 99)) + f" ({len(values)})"


def _refused(f: Figures) -> str:
    codes = ", ".join(f"{code} {count}" for code, count in sorted(f.refused.items()))
    return f"{sum(f.refused.values())}{f' ({codes})' if codes else ''} / {f.failed} / {f.missed}"


def _checked(f: Figures) -> str:
    if f.target != "product":
        return "- | - | - | -"
    tally = "yes" if f.tally_right else f"NO ({f.tally_note})"
    lost = f"{f.lost}" + (f" (+{f.applied_unacked} unacked, stored)" if f.applied_unacked else "")
    return f"{lost} | {f.doubled} | {f.over_budget} | {tally}"


def _row(f: Figures) -> str:
    db_cpu = "-" if f.db_cpu is None else f"{f.db_cpu:.0f}"
    overflows = "-" if f.listen_overflows is None else str(f.listen_overflows)
    return (
        f"| {f.run} | {f.mode} | {f.database} | {f.n} | {f.join_seconds:.1f} ({f.join_failures}) | "
        f"{_spread(f.to_phones)} | {_spread(f.wave1)} | {_spread(f.wave2)} | {_refused(f)} | "
        f"{_checked(f)} | {f.waves_seconds:.1f} | {f.server_cpu:.0f} / {f.client_cpu:.0f} / "
        f"{db_cpu} / {f.others_cpu:.0f} | {f.load:.1f} | {overflows} |"
    )


def _range(values: list[float], digits: int = 0) -> str:
    low, high = min(values), max(values)
    if round(low, digits) == round(high, digits):
        return f"{low:.{digits}f}"
    return f"{low:.{digits}f}-{high:.{digits}f}"


def _summary(rows: list[Figures]) -> list[str]:
    """One line per database: the ranges over the runs."""
    lines = [
        "| mode | database | N | runs | join storm s (failed) | wave 1 ack p95 ms "
        "| wave 1 ack p99 ms | wave 2 ack p95 ms | wave 2 ack p99 ms | refused + no ack "
        "| lost / doubled / over budget | final tally right | server / client CPU % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for mode, database in dict.fromkeys((f.mode, f.database) for f in rows):
        of = [f for f in rows if (f.mode, f.database) == (mode, database)]
        cells = [
            mode,
            database,
            str(of[0].n),
            str(len(of)),
            f"{_range([f.join_seconds for f in of], 1)} "
            f"({_range([float(f.join_failures) for f in of])} failed)",
            *(
                _range([_ms(getattr(f, w), p) for f in of])
                for w in ("wave1", "wave2")
                for p in (95, 99)
            ),
            str(sum(sum(f.refused.values()) + f.failed + f.missed for f in of)),
        ]
        if of[0].target == "product":
            cells.append(
                " / ".join(
                    str(sum(getattr(f, k) for f in of)) for k in ("lost", "doubled", "over_budget")
                )
            )
            cells.append(f"{sum(bool(f.tally_right) for f in of)} of {len(of)}")
        else:
            cells += ["-", "-"]
        cells.append(f"{_range([f.server_cpu for f in of])} / {_range([f.client_cpu for f in of])}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def report(rows: list[Figures], command: str, stack: bool, workers: int, spread: float) -> str:
    cpu = platform.processor() or platform.machine()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"#### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `{command}`",
        "",
        f"Machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{cpu}, Python {platform.python_version()}, load average at the end {load}. "
        f"{ITEMS} themes, {DOTS} dots each{', stacking allowed' if stack else ''}; wave 2: "
        f"about {WAVE2_SHARE:.0%} of the phones move their dots ({TAKE_BACK:.0%} of them take "
        f"every dot back). In each wave the phones send "
        + (f"spread at random over {spread:g} s" if spread else "all at once")
        + f". Phones in {workers} worker processes on the same machine. "
        'Latencies in ms, p50 / p95 / p99 (samples); "vote → phones" is from the console '
        "sending vote:open to the state reaching each phone (the reference: workshop:next). "
        "Refused / no ack / missed: calls refused, calls never acknowledged (30 s), phones "
        "that never got the vote. Lost, doubled, over budget: participants, from the "
        "database. CPU: % of one core over the two waves (client: the phone workers and the "
        "console; PostgreSQL: its processes; the rest of the machine: everything else running "
        "on it, such as other people's tests), and the 1-minute load average as the run began.",
        "",
        "| run | mode | database | N | join storm s (failed) | vote → phones | wave 1 ack | "
        "wave 2 ack | refused / no ack / missed | lost | doubled | over budget | "
        "final tally right | waves s | CPU % server / client / PostgreSQL / rest of machine | "
        "load avg | listen overflows |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
        "| --- | --- | --- |",
        *(_row(f) for f in rows),
        "",
        "Ranges over the runs:",
        "",
        *_summary(rows),
    ]
    return "\n".join(lines) + "\n"


def _write(out: Path, text: str) -> None:
    """Put the run first under the Dot votes section's runs (the section is made if missing)."""
    previous = out.read_text() if out.exists() else ""
    if RUNS_MARKER in previous:
        head, tail = previous.split(RUNS_MARKER, 1)
        out.write_text(head + RUNS_MARKER + "\n" + text + "\n" + tail.lstrip("\n"))
        return
    section = "" if SECTION in previous else "\n" + SECTION + "\n"
    out.write_text(previous.rstrip("\n") + "\n" + section + "\n" + RUNS_MARKER + "\n" + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="phones")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="gevent")
    parser.add_argument("--workers", type=int, default=2, help="phone worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stack", action="store_true", help="allow several dots on one item")
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which each wave's sends spread at random (default 0: all at once)",
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgresql+psycopg://postgres@127.0.0.1:5432/workshop_bench",
        help="also run on PostgreSQL (the bench's own database, emptied for each run)",
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the bare python-socketio reference"
    )
    parser.add_argument(
        "--profile", type=Path, help="folder for py-spy profiles of the server over the two waves"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    command = "python bench/votes.py " + " ".join(sys.argv[1:])
    setups = [Setup()]
    if args.postgres:
        if reason := postgres_setup(args.postgres):
            print(f"no PostgreSQL run: {reason}", flush=True)
        else:
            setups.append(Setup(1, args.postgres))
    rows: list[Figures] = []
    for mode in args.modes.split(","):
        for run in range(1, args.runs + 1):
            seed = args.seed * 1000 + run
            common = (mode, args.n, run, args.workers)
            for setup in setups:
                print(f"{mode}, N={args.n}, run {run}: product on {setup.database}…", flush=True)
                extra = (seed, args.stack, args.profile, args.spread)
                rows.append(run_once("product", *common, setup, *extra))
            if not args.no_reference:
                print(f"{mode}, N={args.n}, run {run}: reference…", flush=True)
                extra = (seed, args.stack, None, args.spread)
                rows.append(run_once("reference", *common, Setup(), *extra))
    rows.sort(key=lambda f: (f.mode, f.database, f.run))
    text = report(rows, command, args.stack, args.workers, args.spread)
    print(text)
    _write(args.out, text)


if __name__ == "__main__":
    main()
