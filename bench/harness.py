"""Load harness: a real workshop against the real server, N phones, each async mode.

    python bench/harness.py --n 200 --answer-seconds 3                 # make bench
    python bench/harness.py --n 500 1000 2000 --modes gevent --scale-out   # make bench-full
    python bench/harness.py --n 200 --modes gevent --profile /tmp/prof     # py-spy profile

For each async mode it starts the product (`python wsgi.py`, SQLite in a
temporary folder) and, in the same run, the bare python-socketio reference
(bench/reference_server.py), and plays the same scenario against both:

1. a join storm: N phones join at once (product: the join page, then the
   socket, joining with a name over it; reference: the socket);
2. the facilitator reveals, and the phones answer at a steady rate;
3. the facilitator moves to the next question, NEXT_ROUNDS times (one broadcast
   is one sample per phone, and a noisy one: the rounds are pooled);
4. the synthesis: a statement that must reach every phone, then every phone reacts.

With --scale-out it also runs the product on PostgreSQL (its own database,
`workshop_bench`, created if missing) as one process and as two behind the
Redis message queue, phones on the second process, console and projector on
the first. Phones are python-socketio AsyncClients spread over worker
processes. The figures go to docs/performance.md, with latencies also as
ratios to the reference measured in the same run, since this machine is noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.live_server import (  # noqa: E402  (the same helpers the tests use)
    create_workshop,
    free_port,
    signed_up_facilitator,
)

ANSWER_RATE = 100  # answers per second, across the room
ANSWER_SECONDS = 8
NEXT_ROUNDS = 5  # moves to the next question; the method has 8 questions
NEXT_PAUSE = 0.3  # seconds between one move reaching every phone and the next move


def listen_overflows() -> int | None:
    """Return the kernel's count of connections dropped because a listen queue was full.

    Machine-wide (TcpExt ListenOverflows in /proc/net/netstat); a run reports the
    difference over its own span. None where the kernel does not say (not Linux).
    """
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            row = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            if "ListenOverflows" in row:
                return int(row["ListenOverflows"])
    return None


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---------------------------------------------------------------- the phones (worker processes)


async def _join_product(url: str, code: str, workshop_id: int, n: int) -> socketio.AsyncClient:
    """Join as the phone's page does: load it, connect, and join with a name over the socket."""
    import aiohttp

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        # The page's static files are cached after the first phone, or served by nginx.
        async with http.get(f"{url}/j/{code}") as page:
            assert page.status == 200, page.status
            await page.read()
        cookie = "; ".join(f"{c.key}={c.value}" for c in jar)
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
    ack = await client.call(
        "phone:join",
        {"workshop_id": workshop_id, "code": code, "name": f"Phone {n}", "join_key": f"bench-{n}"},
        timeout=30,
    )
    assert ack["ok"], ack
    client.question_id = ack["state"]["question"]["id"]  # type: ignore[attr-defined]
    return client


async def _join_reference(url: str) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, transports=["websocket"], wait_timeout=30)
    await client.call("phone:join", {}, timeout=30)
    client.question_id = 1  # type: ignore[attr-defined]
    return client


def _arrivals(phones: list[socketio.AsyncClient], event: str) -> list[list[float]]:
    """Record, per phone, when each `event` arrives."""
    times: list[list[float]] = [[] for _ in phones]
    for phone, seen in zip(phones, times, strict=True):
        phone.on(event, lambda payload, seen=seen: seen.append(time.time()))
    return times


async def _fanout(times: list[list[float]], since: float, wait: float = 15) -> list[float]:
    """Return how long after `since` each phone first heard the event (those that did)."""

    def firsts() -> list[float]:
        return [min((t for t in seen if t >= since), default=-1) for seen in times]

    deadline = time.time() + wait
    while any(t < 0 for t in firsts()) and time.time() < deadline:
        await asyncio.sleep(0.02)
    return [t - since for t in firsts() if t >= 0]


async def _phones(job: dict[str, Any], control: Any, results: Any) -> None:
    url, first, count = job["phone_url"], job["first"], job["count"]
    started = job["start_at"]
    while time.time() < started:
        await asyncio.sleep(0.005)

    async def join(n: int) -> socketio.AsyncClient | None:
        try:
            if job["target"] == "product":
                return await _join_product(url, job["code"], job["workshop_id"], n)
            return await _join_reference(url)
        except Exception:
            return None

    clients = await asyncio.gather(*(join(first + k) for k in range(count)))
    phones = [c for c in clients if c is not None]
    results.put(("joined", len(phones), count - len(phones), time.time()))
    # The simulated phones' own garbage collector must not be measured: a full
    # collection over hundreds of clients stalls this process for ~80 ms, which
    # showed up as a slow "next" on the phones of one worker only.
    gc.collect()
    gc.freeze()
    gc.disable()

    # When each phone hears a `state` (the move to the next question) and a `canvas_field`.
    arrivals = _arrivals(phones, "state")
    statements = _arrivals(phones, "canvas_field")

    await asyncio.get_running_loop().run_in_executor(None, control.get)  # "answer"
    per_second = job["rate"]
    total = int(per_second * job["answer_seconds"])
    acks: list[float] = []
    sent: list[tuple[str, float]] = []
    failed = 0

    async def answer(k: int) -> None:
        nonlocal failed
        phone = phones[k % len(phones)]
        text = f"w{job['worker']}-a{k}"
        began = time.time()
        try:
            ack = await phone.call(
                "answer:submit",
                {"question_id": phone.question_id, "text": text, "client_key": text},
                timeout=30,
            )
        except Exception:
            failed += 1
            return
        if ack.get("ok"):
            acks.append(time.time() - began)
            sent.append((text, began))
        else:
            failed += 1

    tasks = []
    began = time.time()
    for k in range(total):
        await asyncio.sleep(max(0.0, began + k / per_second - time.time()))
        tasks.append(asyncio.create_task(answer(k)))
    await asyncio.gather(*tasks)
    results.put(("answered", acks, sent, failed))

    for _ in range(NEXT_ROUNDS):
        _, next_sent = await asyncio.get_running_loop().run_in_executor(None, control.get)
        results.put(("next", await _fanout(arrivals, next_sent)))

    # Synthesis: the facilitator's statement reaches every phone, then the room reacts.
    _, edit_sent = await asyncio.get_running_loop().run_in_executor(None, control.get)
    fanout = await _fanout(statements, edit_sent)
    reacted: list[float] = []
    react_failed = 0

    async def react(phone: socketio.AsyncClient) -> None:
        nonlocal react_failed
        began = time.time()
        try:
            ack = await phone.call(
                "canvas:react", {"field": "vision", "reaction": "agree"}, timeout=30
            )
        except Exception:
            react_failed += 1
            return
        if ack.get("ok"):
            reacted.append(time.time() - began)
        else:
            react_failed += 1

    spread = job["react_seconds"]
    tasks = []
    began = time.time()
    for k, phone in enumerate(phones):
        await asyncio.sleep(max(0.0, began + k * spread / max(1, len(phones)) - time.time()))
        tasks.append(asyncio.create_task(react(phone)))
    await asyncio.gather(*tasks)
    results.put(("reacted", fanout, reacted, react_failed))
    await asyncio.get_running_loop().run_in_executor(None, control.get)  # "stop"
    await asyncio.gather(*(p.disconnect() for p in phones), return_exceptions=True)


def worker(job: dict[str, Any], control: Any, results: Any) -> None:
    asyncio.run(_phones(job, control, results))


# ---------------------------------------------------------------- one scenario


@dataclass
class Figures:
    mode: str
    target: str
    n: int
    processes: int = 1
    database: str = "sqlite"
    join_seconds: float = 0.0
    join_cpu_ms: float = 0.0  # server CPU per joining phone, during the storm
    join_failures: int = 0
    ack: list[float] = field(default_factory=list)
    to_projector: list[float] = field(default_factory=list)
    next_fanout: list[float] = field(default_factory=list)
    next_missing: int = 0
    statement_fanout: list[float] = field(default_factory=list)
    react_ack: list[float] = field(default_factory=list)
    react_failures: int = 0
    tally_right: bool = True
    answer_failures: int = 0
    lost: int = 0
    duplicated: int = 0
    cpu_percent: float = 0.0
    kb_per_phone: float = 0.0
    listen_overflows: int | None = None  # kernel-wide, over the whole scenario


@dataclass
class Setup:
    """Where a scenario runs: one process or two behind Redis, on SQLite or PostgreSQL."""

    processes: int = 1
    database_url: str | None = None  # None: SQLite in the scenario's folder
    message_queue: str | None = None

    @property
    def database(self) -> str:
        return "postgresql" if self.database_url else "sqlite"


def _start(
    target: str, mode: str, folder: Path, setup: Setup, index: int = 0
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "WORKSHOP_ASYNC_MODE": mode,
        "WORKSHOP_INSTANCE_PATH": str(folder),
        "WORKSHOP_DATABASE_URL": setup.database_url or f"sqlite:///{folder / 'bench.db'}",
        "SECRET_KEY": "bench-secret-shared-by-every-process",
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    if setup.message_queue:
        env["WORKSHOP_MESSAGE_QUEUE"] = setup.message_queue
        env["WORKSHOP_MESSAGE_QUEUE_CHANNEL"] = f"bench-{folder.name}"
    script = "wsgi.py" if target == "product" else "bench/reference_server.py"
    log = open(folder / f"{target}-{mode}-{index}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, script], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            requests.get(
                url + ("/" if target == "product" else "/socket.io/?EIO=4&transport=polling"),
                timeout=1,
            )
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} server did not start in {mode} mode")


def _profiler(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """Sample the server with py-spy for the whole scenario (collapsed stacks, for flame graphs)."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(pid),
            "--rate",
            "250",
            "--nonblocking",
            "--idle",
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stored_answers(setup: Setup, folder: Path) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(setup.database_url or f"sqlite:///{folder / 'bench.db'}")
    with engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT text FROM answers"))]
    engine.dispose()
    return stored


def _cpu(servers: list[psutil.Process]) -> float:
    return sum(t.user + t.system for t in (server.cpu_times() for server in servers))


def _rss(servers: list[psutil.Process]) -> int:
    return sum(server.memory_info().rss for server in servers)


def scenario(
    target: str,
    mode: str,
    n: int,
    workers: int,
    setup: Setup | None = None,
    profile: Path | None = None,
    answer_seconds: float = ANSWER_SECONDS,
) -> Figures:
    setup = setup or Setup()
    figures = Figures(mode, target, n, setup.processes, setup.database)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if target == "product" and setup.database_url:
            _reset_postgres(setup.database_url)
        overflows_before = listen_overflows()
        started = [_start(target, mode, folder, setup)]
        if target == "product" and setup.processes == 2:
            started.append(_start(target, mode, folder, setup, 1))  # after the first migrated
        processes = [process for process, _ in started]
        url, phone_url = started[0][1], started[-1][1]
        servers = [psutil.Process(process.pid) for process in processes]
        profiler = None
        if profile is not None and target == "product":
            profile.mkdir(parents=True, exist_ok=True)
            profiler = _profiler(processes[0].pid, profile / f"{mode}-{n}.txt")
        try:
            time.sleep(0.5)
            idle_rss = _rss(servers)
            console = socketio.Client(reconnection=False)
            screen = socketio.Client(reconnection=False)
            on_screen: dict[str, float] = {}
            tallies: list[dict[str, Any]] = []
            screen.on("answer", lambda p: on_screen.setdefault(p["answer"]["text"], time.time()))
            console.on("reactions", tallies.append)
            job: dict[str, Any] = {
                "url": url,
                "phone_url": phone_url,
                "target": target,
                "react_seconds": max(2.0, n / 250),
                "answer_seconds": answer_seconds,
            }
            if target == "product":
                facilitator = signed_up_facilitator(url)
                workshop_id = create_workshop(url, facilitator, f"Bench {mode}")
                page = facilitator.get(f"{url}/workshops/{workshop_id}/console", timeout=10).text
                code = page.split("/j/", 1)[1][:6]
                screen_token = page.split("/screen/", 1)[1].split('"', 1)[0]
                cookie = "; ".join(f"{c.name}={c.value}" for c in facilitator.cookies)
                console.connect(url, headers={"Cookie": cookie}, transports=["websocket"])
                assert console.call("console:join", {"workshop_id": workshop_id})["ok"]
                assert console.call("workshop:start", {})["ok"]
                screen.connect(url, transports=["websocket"])
                assert screen.call("screen:join", {"token": screen_token})["ok"]
                job.update(code=code, workshop_id=workshop_id)
            else:
                console.connect(url, transports=["websocket"])
                screen.connect(url, transports=["websocket"])
                screen.call("screen:join", {})
                console.call("screen:join", {})  # the reference's console hears the tallies

            ctx = mp.get_context("spawn")
            results = ctx.Queue()
            controls = [ctx.Queue() for _ in range(workers)]
            start_at = time.time() + 2
            share = [n // workers + (1 if k < n % workers else 0) for k in range(workers)]
            procs = []
            for k in range(workers):
                spec = {
                    **job,
                    "worker": k,
                    "first": sum(share[:k]),
                    "count": share[k],
                    "start_at": start_at,
                    "rate": ANSWER_RATE / workers,
                }
                proc = ctx.Process(target=worker, args=(spec, controls[k], results))
                proc.start()
                procs.append(proc)

            storm_cpu = _cpu(servers)
            joined = [results.get(timeout=300) for _ in range(workers)]
            figures.join_seconds = max(j[3] for j in joined) - start_at
            figures.join_cpu_ms = 1000 * (_cpu(servers) - storm_cpu) / max(1, n)
            print(
                f"{target} {mode} n={n}: join storm {figures.join_seconds:.1f} s, "
                f"server CPU {figures.join_cpu_ms:.1f} ms per phone",
                flush=True,
            )
            figures.join_failures = sum(j[2] for j in joined)
            time.sleep(0.5)  # presence and counts settle
            figures.kb_per_phone = (_rss(servers) - idle_rss) / 1024 / max(1, n)
            if target == "product":
                assert console.call("answers:reveal", {"revealed": True})["ok"]

            cpu_before, wall_before = _cpu(servers), time.time()
            for control in controls:
                control.put("answer")
            answered = [results.get(timeout=300) for _ in range(workers)]
            sent: dict[str, float] = {}
            for _, acks, texts, failed in answered:
                figures.ack.extend(acks)
                figures.answer_failures += failed
                sent.update(texts)
            time.sleep(0.5)
            figures.to_projector = [
                on_screen[t] - began for t, began in sent.items() if t in on_screen
            ]

            for _ in range(NEXT_ROUNDS):
                time.sleep(NEXT_PAUSE)
                next_sent = time.time()
                console.call("workshop:next", {})
                for control in controls:
                    control.put(("next", next_sent))
                seen = [results.get(timeout=60) for _ in range(workers)]
                arrivals = [delay for _, delays in seen for delay in delays]
                figures.next_fanout.extend(arrivals)
                figures.next_missing += n - figures.join_failures - len(arrivals)
            cpu_after, wall_after = _cpu(servers), time.time()
            figures.cpu_percent = 100 * (cpu_after - cpu_before) / (wall_after - wall_before)

            # Synthesis: a statement to every phone, then every phone reacts.
            if target == "product":
                assert console.call("workshop:synthesis", {})["ok"]
                time.sleep(0.5)
            edit_sent = time.time()
            statement = {"field": "vision", "text": "Healthy food for every harbour town"}
            assert console.call("canvas:statement", {**statement, "version": 0})["ok"]
            for control in controls:
                control.put(("edit", edit_sent))
            reacted = [results.get(timeout=120) for _ in range(workers)]
            for _, fanout, acks, failed in reacted:
                figures.statement_fanout.extend(fanout)
                figures.react_ack.extend(acks)
                figures.react_failures += failed
            deadline = time.time() + 5  # the last coalesced tally is due within a moment

            def final() -> int:
                return tallies[-1]["reactions"]["agree"] if tallies else -1

            while final() != len(figures.react_ack) and time.time() < deadline:
                time.sleep(0.05)
            figures.tally_right = final() == len(figures.react_ack)

            for control in controls:
                control.put("stop")
            for proc in procs:
                proc.join(timeout=60)
            console.disconnect()
            screen.disconnect()

            if target == "product":
                stored = _stored_answers(setup, folder)
            else:
                probe = socketio.Client(reconnection=False)
                probe.connect(url, transports=["websocket"])
                stored = ["?"] * probe.call("bench:count", {})["answers"]
                probe.disconnect()
                stored = list(sent) if len(stored) == len(sent) else stored
            figures.lost = (
                len(set(sent) - set(stored))
                if target == "product"
                else max(0, len(sent) - len(stored))
            )
            figures.duplicated = len(stored) - len(set(stored)) if target == "product" else 0
            if overflows_before is not None and (after := listen_overflows()) is not None:
                figures.listen_overflows = after - overflows_before
            print(
                f"{target} {mode} n={n}: ListenOverflows {_overflows(figures)} "
                "(kernel-wide, over the run)",
                flush=True,
            )
        finally:
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=30)
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
    return figures


def _reset_postgres(url: str) -> None:
    """Give the scenario an empty database: the bench owns its own PostgreSQL database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def postgres_setup(url: str) -> str | None:
    """Create the bench's own database on this PostgreSQL; return why it cannot, if so."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    except Exception as error:  # any failure means: no usable PostgreSQL here
        where = f"{target.host}:{target.port}"
        return f"PostgreSQL at {where} is not usable ({error.__class__.__name__})"
    finally:
        admin.dispose()
    return None


# ---------------------------------------------------------------- the report


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.0f}" if values else "-"


def _spread(values: list[float]) -> str:
    return " / ".join(_ms(values, p) for p in (50, 95, 99))


def _ratio(a: list[float], b: list[float]) -> str:
    if not a or not b:
        return "-"
    return f"{percentile(a, 95) / max(percentile(b, 95), 1e-6):.2f}x"


def _overflows(f: Figures) -> str:
    return "-" if f.listen_overflows is None else str(f.listen_overflows)


def _row(f: Figures, reference: Figures) -> str:
    name = f.mode if f.target == "product" else f"{f.mode} (reference)"
    if f.target == "product":
        ratios = (
            f"{_ratio(f.next_fanout, reference.next_fanout)} | {_ratio(f.ack, reference.ack)} | "
        )
    else:
        ratios = "1.00x | 1.00x | "
    return (
        f"| {name} | {f.processes} x {f.database} | {f.n} | "
        f"{f.join_seconds:.1f} ({f.join_failures}), {f.join_cpu_ms:.1f} | "
        f"{_spread(f.ack)} | {_spread(f.to_projector)} | "
        f"{_spread(f.next_fanout)} ({f.next_missing}) | "
        + ratios
        + f"{_spread(f.statement_fanout)} | "
        f"{_spread(f.react_ack)} ({f.react_failures}) | {'yes' if f.tally_right else 'NO'} | "
        f"{f.answer_failures} | {f.lost} / {f.duplicated} | {f.cpu_percent:.0f} | "
        f"{f.kb_per_phone:.0f} | {_overflows(f)} |"
    )


def report(rows: list[tuple[Figures, Figures]], command: str, answer_seconds: float) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `{command}`",
        "",
        f"Machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{cpu}, Python {platform.python_version()}. "
        f"Answers: {ANSWER_RATE}/s for {answer_seconds:g} s. Latencies in ms (p50 / p95 / p99); "
        "ratios are p95 product / p95 reference, measured in the same run. Server CPU is "
        f"over the answering and the {NEXT_ROUNDS} moves to the next question (pooled in "
        '"next"); memory is per phone, above '
        "the idle server (summed over the processes). Listen overflows: the kernel's "
        "TcpExt ListenOverflows over the run (machine-wide: connections dropped because "
        "a listen queue was full).",
        "",
        "| mode | server | N | join storm s (failed), server CPU ms per phone | "
        "ack p50/p95/p99 | "
        "to projector p50/p95/p99 | next → every phone p50/p95/p99 (missed) | "
        "next ÷ reference | ack ÷ reference | statement → every phone p50/p95/p99 | "
        "reaction ack p50/p95/p99 (failed) | final tally right | answers refused | "
        "lost / dup | server CPU % | KB per phone | listen overflows |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
        "| --- | --- | --- |",
    ]
    for product, reference in rows:
        lines.append(_row(product, reference))
        lines.append(_row(reference, reference))
    return "\n".join(lines) + "\n"


def _write(out: Path, text: str) -> None:
    marker = "## Results (newest first)\n"
    previous = out.read_text() if out.exists() else ""
    if marker in previous:
        head, tail = previous.split(marker, 1)
        out.write_text(head + marker + "\n" + text + "\n" + tail.lstrip("\n"))
    else:
        out.write_text(previous + ("\n" if previous else "") + marker + "\n" + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[200])
    parser.add_argument("--modes", default="threading,gevent,eventlet")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--profile", type=Path, help="folder for py-spy profiles of the product server"
    )
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="also run one process against two (Redis message queue), both on PostgreSQL",
    )
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/workshop_bench"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--answer-seconds", type=float, default=ANSWER_SECONDS, help="how long the room answers"
    )
    args = parser.parse_args()
    command = "python bench/harness.py " + " ".join(sys.argv[1:])
    rows = []
    for n in args.n:
        for mode in args.modes.split(","):
            print(f"{mode}, N={n}: product…", flush=True)
            timing = {"answer_seconds": args.answer_seconds}
            product = scenario("product", mode, n, args.workers, profile=args.profile, **timing)
            print(f"{mode}, N={n}: reference…", flush=True)
            reference = scenario("reference", mode, n, args.workers, **timing)
            rows.append((product, reference))
            if args.scale_out:
                if reason := postgres_setup(args.postgres):
                    print(f"no scale-out comparison: {reason}", flush=True)
                    continue
                for setup in (
                    Setup(1, args.postgres),
                    Setup(2, args.postgres, args.redis),
                ):
                    print(f"{mode}, N={n}: {setup.processes} x PostgreSQL…", flush=True)
                    figures = scenario("product", mode, n, args.workers, setup, **timing)
                    rows.append((figures, reference))
    text = report(rows, command, args.answer_seconds)
    print(text)
    _write(Path(args.out), text)


if __name__ == "__main__":
    main()
