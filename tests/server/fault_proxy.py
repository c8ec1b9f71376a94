"""A small TCP proxy that a test puts between the app and PostgreSQL or Redis.

Outages in production rarely look like a clean refusal. The proxy lets a test
produce the three shapes that broke the room:

- ``pause()``: connections stay open but nothing is forwarded in either
  direction, so the service looks hung (bytes sent are held, not lost);
- ``blackhole()``: new connections are accepted and never answered, and
  existing ones are paused, like a host that stopped responding;
- ``cut()``: every connection is closed and new ones are refused, like a
  service that went down.

``resume()`` ends a pause; ``heal()`` ends any fault and forwards again.

    with FaultProxy("127.0.0.1", 6379) as proxy:
        url = f"redis://127.0.0.1:{proxy.port}/0"
        ...
        proxy.cut()
        ...
        proxy.heal()

The proxy uses plain threads and sockets so it runs the same beside every
async mode; it never runs inside the server process under test.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from types import TracebackType

_FORWARD = "forward"
_PAUSE = "pause"
_BLACKHOLE = "blackhole"
_CUT = "cut"


class _Pipe:
    """One client connection and its upstream connection."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None) -> None:
        self.client = client
        self.upstream = upstream
        self.closed = False

    def close(self) -> None:
        self.closed = True
        for sock in (self.client, self.upstream):
            if sock is None:
                continue
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()


class FaultProxy:
    """Forwards TCP from a local port to ``target_host:target_port``, with faults on demand."""

    def __init__(self, target_host: str, target_port: int, listen_host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.listen_host = listen_host
        self._listener: socket.socket | None = None
        self._port = 0
        self._mode = _FORWARD
        self._lock = threading.Lock()
        # Set while bytes may flow; pipes wait on it instead of polling a flag.
        self._flowing = threading.Event()
        self._flowing.set()
        self._pipes: set[_Pipe] = set()
        self._held: list[socket.socket] = []  # blackholed clients: accepted, never answered
        self._stopping = threading.Event()
        self._accept_thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------

    @property
    def port(self) -> int:
        """The local port the app should connect to (known after ``start``)."""
        return self._port

    def start(self) -> FaultProxy:
        if self._listener is not None:
            return self
        self._open_listener(port=0)
        self._stopping.clear()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name="fault-proxy-accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def close(self) -> None:
        """Stop the proxy and close every connection."""
        self._stopping.set()
        self._flowing.set()
        self._close_listener()
        self._close_all()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=2)
            self._accept_thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- faults ----------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    def pause(self) -> None:
        """Stop forwarding; keep every connection open (the service looks hung)."""
        with self._lock:
            self._mode = _PAUSE
            self._flowing.clear()

    def resume(self) -> None:
        """Forward again after ``pause`` (held bytes are delivered)."""
        self.heal()

    def blackhole(self) -> None:
        """Accept new connections and never answer them; pause the existing ones."""
        with self._lock:
            self._mode = _BLACKHOLE
            self._flowing.clear()

    def cut(self) -> None:
        """Close every connection and refuse new ones (the service is down)."""
        with self._lock:
            self._mode = _CUT
            self._flowing.set()  # wake pipes so they notice they are closed
        self._close_listener()
        self._close_all()

    def heal(self) -> None:
        """End any fault: accept and forward again, on the same port."""
        with self._lock:
            previous = self._mode
            self._mode = _FORWARD
            held, self._held = self._held, []
        if previous == _CUT or self._listener is None:
            self._open_listener(port=self._port)
        for sock in held:
            # A blackholed client never got an upstream; closing it lets it retry.
            with contextlib.suppress(OSError):
                sock.close()
        self._flowing.set()

    # -- internals -------------------------------------------------------

    def _open_listener(self, port: int) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.listen_host, port))
        listener.listen(128)
        listener.settimeout(0.2)
        self._port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener

    def _close_listener(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.close()

    def _close_all(self) -> None:
        with self._lock:
            pipes, self._pipes = self._pipes, set()
            held, self._held = self._held, []
        for pipe in pipes:
            pipe.close()
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            listener = self._listener
            if listener is None:
                # Cut: nothing listens, so connections are refused until heal().
                self._stopping.wait(0.05)
                continue
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                continue
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                mode = self._mode
                if mode == _BLACKHOLE:
                    self._held.append(client)
                    continue
            if mode == _CUT:
                client.close()
                continue
            self._connect(client)

    def _connect(self, client: socket.socket) -> None:
        # A paused proxy still accepts; the upstream connection waits like the bytes do.
        try:
            upstream = socket.create_connection((self.target_host, self.target_port), timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pipe = _Pipe(client, upstream)
        with self._lock:
            self._pipes.add(pipe)
        threading.Thread(
            target=self._pump, args=(pipe,), name="fault-proxy-pipe", daemon=True
        ).start()

    def _pump(self, pipe: _Pipe) -> None:
        assert pipe.upstream is not None
        peers = {pipe.client: pipe.upstream, pipe.upstream: pipe.client}
        try:
            while not pipe.closed and not self._stopping.is_set():
                if not self._flowing.is_set():
                    # Paused or blackholed: hold everything, read nothing.
                    self._flowing.wait(0.1)
                    continue
                try:
                    readable, _, _ = select.select(list(peers), [], [], 0.1)
                except (OSError, ValueError):
                    break
                if not self._flowing.is_set():
                    continue
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            pass
        finally:
            pipe.close()
            with self._lock:
                self._pipes.discard(pipe)
