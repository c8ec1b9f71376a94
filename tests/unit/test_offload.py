"""CPU-heavy calls (password hashes) run a few at a time: a flood queues, it does not
take every thread and core."""

from __future__ import annotations

import threading

from workshop import offload


def test_at_most_a_few_calls_run_at_once_and_the_rest_queue() -> None:
    running, finished = 0, []
    changed = threading.Condition()
    release = threading.Event()

    def hash_slowly(n: int) -> int:
        nonlocal running
        with changed:
            running += 1
            changed.notify_all()
        release.wait(timeout=10)
        with changed:
            running -= 1
        return n

    callers = [
        threading.Thread(target=lambda n=n: finished.append(offload.off_loop(hash_slowly, n)))
        for n in range(10)
    ]
    for caller in callers:
        caller.start()
    with changed:
        assert changed.wait_for(lambda: running == offload.AT_ONCE, timeout=10)
        # The other six stay queued: none of them starts while the first four run.
        assert not changed.wait_for(lambda: running > offload.AT_ONCE, timeout=0.5)
    release.set()
    for caller in callers:
        caller.join(timeout=10)
    assert sorted(finished) == list(range(10)), "every queued call still runs"
