"""CPU-heavy calls run off the event loop, so one slow call cannot freeze every socket.

Under gevent and eventlet every request and socket shares one OS thread: a
100 ms password hash there stalls every acknowledgement in the room for 100 ms.
The hash functions release the GIL, so in a real thread they run beside the loop.
Under threading each request already has its own thread, and a process that was
never monkey-patched (the `flask` commands) has no loop to protect.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import current_app, has_app_context

P = ParamSpec("P")
R = TypeVar("R")


def _mode() -> str | None:
    return current_app.config.get("ASYNC_MODE") if has_app_context() else None


def _gevent_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


def _eventlet_patched() -> bool:
    patcher = sys.modules.get("eventlet.patcher")
    return patcher is not None and patcher.is_monkey_patched("thread")


# At most this many calls run at once; the rest queue (a green wait under gevent and
# eventlet). A flood of sign-ups or logins, each a 100 ms hash, would otherwise take
# every thread of the pool and every core, and starve the loop's own work.
AT_ONCE = 4
_gates: dict[str, Any] = {}


def _gate(kind: str) -> Any:
    """Return the semaphore for this kind of loop, made on first use (after any patching)."""
    gate = _gates.get(kind)
    if gate is None:
        if kind == "gevent":
            from gevent.lock import BoundedSemaphore
        elif kind == "eventlet":
            from eventlet.semaphore import BoundedSemaphore  # type: ignore[no-redef]
        else:
            from threading import BoundedSemaphore  # type: ignore[assignment]
        gate = _gates.setdefault(kind, BoundedSemaphore(AT_ONCE))
    return gate


def off_loop(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Return `function(*args)`, computed in a real thread when an event loop would block;
    at most AT_ONCE at a time."""
    mode = _mode()
    if mode == "gevent" and _gevent_patched():
        import gevent

        with _gate("gevent"):
            return gevent.get_hub().threadpool.apply(function, args, kwargs)
    if mode == "eventlet" and _eventlet_patched():
        from eventlet import tpool

        with _gate("eventlet"):
            return tpool.execute(function, *args, **kwargs)
    with _gate("threads"):
        return function(*args, **kwargs)
