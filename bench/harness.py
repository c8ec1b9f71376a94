"""Load harness: a real workshop against the real server, N phones, each async mode.

    python bench/harness.py --n 200                 # make bench
    python bench/harness.py --n 500 1000 2000       # make bench-full

For each async mode it starts the product (`python wsgi.py`, SQLite in a
temporary folder) and, in the same run, the bare python-socketio reference
(bench/reference_server.py), and plays the same scenario against both:

1. a join storm: N phones join at once (product: the join page, its form, then
   the socket; reference: the socket);
2. the facilitator reveals, and the phones answer at a steady rate;
3. the facilitator moves to the next question.

Phones are python-socketio AsyncClients spread over worker processes. The
figures go to docs/performance.md, with latencies also as ratios to the
reference measured in the same run, since this machine is noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import platform
import sqlite3
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
    csrf_token,
    free_port,
    signed_up_facilitator,
)

ANSWER_RATE = 100  # answers per second, across the room
ANSWER_SECONDS = 8


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---------------------------------------------------------------- the phones (worker processes)


async def _join_product(url: str, code: str, workshop_id: int, n: int) -> socketio.AsyncClient:
    import aiohttp

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{url}/j/{code}") as page:
            html = await page.text()
        token = csrf_token(html)
        form = {"csrf_token": token, "name": f"Phone {n}", "submit": "Join"}
        async with http.post(f"{url}/j/{code}", data=form, allow_redirects=False) as joined:
            assert joined.status == 302, joined.status
        cookie = "; ".join(f"{c.key}={c.value}" for c in jar)
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
    ack = await client.call("phone:join", {"workshop_id": workshop_id}, timeout=30)
    assert ack["ok"], ack
    client.question_id = ack["state"]["question"]["id"]  # type: ignore[attr-defined]
    return client


async def _join_reference(url: str) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, transports=["websocket"], wait_timeout=30)
    await client.call("phone:join", {}, timeout=30)
    client.question_id = 1  # type: ignore[attr-defined]
    return client


async def _phones(job: dict[str, Any], control: Any, results: Any) -> None:
    url, first, count = job["url"], job["first"], job["count"]
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

    # Each phone's `state` arrival times; the first after "next" was sent is the fan-out.
    arrivals: list[list[float]] = [[] for _ in phones]
    for index, phone in enumerate(phones):

        def on_state(payload: Any, seen: list[float] = arrivals[index]) -> None:
            seen.append(time.time())

        phone.on("state", on_state)

    await asyncio.get_running_loop().run_in_executor(None, control.get)  # "answer"
    per_second = job["rate"]
    total = int(per_second * ANSWER_SECONDS)
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

    _, next_sent = await asyncio.get_running_loop().run_in_executor(None, control.get)

    def firsts() -> list[float]:
        return [min((t for t in seen if t >= next_sent), default=-1) for seen in arrivals]

    deadline = time.time() + 15
    while any(t < 0 for t in firsts()) and time.time() < deadline:
        await asyncio.sleep(0.02)
    results.put(("next", [t for t in firsts() if t >= 0]))
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
    join_seconds: float = 0.0
    join_failures: int = 0
    ack: list[float] = field(default_factory=list)
    to_projector: list[float] = field(default_factory=list)
    next_fanout: list[float] = field(default_factory=list)
    next_missing: int = 0
    answer_failures: int = 0
    lost: int = 0
    duplicated: int = 0
    cpu_percent: float = 0.0
    kb_per_phone: float = 0.0


def _start(target: str, mode: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "WORKSHOP_ASYNC_MODE": mode,
        "WORKSHOP_INSTANCE_PATH": str(folder),
        "WORKSHOP_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    script = "wsgi.py" if target == "product" else "bench/reference_server.py"
    log = open(folder / f"{target}-{mode}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, script], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
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


def scenario(target: str, mode: str, n: int, workers: int) -> Figures:
    figures = Figures(mode, target, n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        process, url = _start(target, mode, folder)
        server = psutil.Process(process.pid)
        try:
            time.sleep(0.5)
            idle_rss = server.memory_info().rss
            console = socketio.Client(reconnection=False)
            screen = socketio.Client(reconnection=False)
            on_screen: dict[str, float] = {}
            screen.on("answer", lambda p: on_screen.setdefault(p["answer"]["text"], time.time()))
            job: dict[str, Any] = {"url": url, "target": target}
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

            ctx = mp.get_context("spawn")
            results = ctx.Queue()
            controls = [ctx.Queue() for _ in range(workers)]
            start_at = time.time() + 3
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

            joined = [results.get(timeout=300) for _ in range(workers)]
            figures.join_seconds = max(j[3] for j in joined) - start_at
            figures.join_failures = sum(j[2] for j in joined)
            figures.kb_per_phone = (server.memory_info().rss - idle_rss) / 1024 / max(1, n)
            if target == "product":
                assert console.call("answers:reveal", {"revealed": True})["ok"]

            cpu_before, wall_before = server.cpu_times(), time.time()
            for control in controls:
                control.put("answer")
            answered = [results.get(timeout=300) for _ in range(workers)]
            sent: dict[str, float] = {}
            for _, acks, texts, failed in answered:
                figures.ack.extend(acks)
                figures.answer_failures += failed
                sent.update(texts)
            time.sleep(1)
            figures.to_projector = [
                on_screen[t] - began for t, began in sent.items() if t in on_screen
            ]

            next_sent = time.time()
            console.call("workshop:next", {})
            for control in controls:
                control.put(("next", next_sent))
            seen = [results.get(timeout=60) for _ in range(workers)]
            arrivals = [t - next_sent for _, times in seen for t in times]
            figures.next_fanout = arrivals
            figures.next_missing = n - figures.join_failures - len(arrivals)
            cpu_after, wall_after = server.cpu_times(), time.time()
            busy = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
            figures.cpu_percent = 100 * busy / (wall_after - wall_before)

            for control in controls:
                control.put("stop")
            for proc in procs:
                proc.join(timeout=60)
            console.disconnect()
            screen.disconnect()

            if target == "product":
                db = sqlite3.connect(folder / "bench.db")
                stored = [row[0] for row in db.execute("SELECT text FROM answers")]
                db.close()
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
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return figures


# ---------------------------------------------------------------- the report


def _ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.0f}" if values else "-"


def _spread(values: list[float]) -> str:
    return " / ".join(_ms(values, p) for p in (50, 95, 99))


def _ratio(a: list[float], b: list[float]) -> str:
    if not a or not b:
        return "-"
    return f"{percentile(a, 95) / max(percentile(b, 95), 1e-6):.2f}x"


def report(rows: list[tuple[Figures, Figures]], command: str) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `{command}`",
        "",
        f"Machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{cpu}, Python {platform.python_version()}. Server: SQLite, one process. "
        f"Answers: {ANSWER_RATE}/s for {ANSWER_SECONDS} s. Latencies in ms (p50 / p95 / p99); "
        "ratios are p95 product / p95 reference, measured in the same run.",
        "",
        "| mode | N | join storm s (failed) | ack p50/p95/p99 | to projector p50/p95/p99 | "
        "next → every phone p50/p95/p99 (missed) | next ÷ reference | ack ÷ reference | "
        "answers refused | lost / dup | server CPU % | KB per phone |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for product, reference in rows:
        for f in (product, reference):
            name = f.mode if f.target == "product" else f"{f.mode} (reference)"
            lines.append(
                f"| {name} | {f.n} | {f.join_seconds:.1f} ({f.join_failures}) | "
                f"{_spread(f.ack)} | {_spread(f.to_projector)} | "
                f"{_spread(f.next_fanout)} ({f.next_missing}) | "
                + (
                    f"{_ratio(product.next_fanout, reference.next_fanout)} | "
                    f"{_ratio(product.ack, reference.ack)} | "
                    if f.target == "product"
                    else "1.00x | 1.00x | "
                )
                + f"{f.answer_failures} | {f.lost} / {f.duplicated} | {f.cpu_percent:.0f} | "
                f"{f.kb_per_phone:.0f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[200])
    parser.add_argument("--modes", default="threading,gevent,eventlet")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    command = "python bench/harness.py " + " ".join(sys.argv[1:])
    rows = []
    for n in args.n:
        for mode in args.modes.split(","):
            print(f"{mode}, N={n}: product…", flush=True)
            product = scenario("product", mode, n, args.workers)
            print(f"{mode}, N={n}: reference…", flush=True)
            reference = scenario("reference", mode, n, args.workers)
            rows.append((product, reference))
    text = report(rows, command)
    print(text)
    out = Path(args.out)
    marker = "## Results (newest first)\n"
    previous = out.read_text() if out.exists() else ""
    if marker in previous:
        head, tail = previous.split(marker, 1)
        out.write_text(head + marker + "\n" + text + "\n" + tail.lstrip("\n"))
    else:
        out.write_text(previous + ("\n" if previous else "") + marker + "\n" + text)


if __name__ == "__main__":
    main()
