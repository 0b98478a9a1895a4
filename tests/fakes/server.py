"""What the fake providers share: a JSON handler, a loopback server that holds a state object, and
a context manager that runs it in a background thread (tests) or in the foreground (benchmarks)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, Self, TypeVar


class FakeState:
    """What a fake provider received and how it is told to misbehave (POST /_control)."""

    NUMBER_SETS: tuple[str, ...] = ()  # the sets of phone numbers /_control may replace

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.refs: Counter[str] = Counter()
        self.requests = 0
        self.fail_next = 0
        self.timeout_next = 0
        self.delay = 0.0
        self.timeout_seconds = 5.0
        for name in self.NUMBER_SETS:
            setattr(self, name, set())

    def control(self, settings: dict[str, Any]) -> None:
        with self.lock:
            for key in ("fail_next", "timeout_next"):
                if key in settings:
                    setattr(self, key, int(settings[key]))
            for key in ("delay", "timeout_seconds"):
                if key in settings:
                    setattr(self, key, float(settings[key]))
            for key in self.NUMBER_SETS:
                if key in settings:
                    setattr(self, key, set(settings[key]))

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "received": len(self.messages),
                "unique": len(self.refs),
                "duplicates": sum(count - 1 for count in self.refs.values() if count > 1),
                "refs": dict(self.refs),
            }


State = TypeVar("State", bound=FakeState)


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One buffered write per response and no Nagle: otherwise headers and body leave in two
    # packets and the client's delayed ACK adds ~40 ms to every request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


class LoopbackServer(ThreadingHTTPServer, Generic[State]):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, port: int, handler: type[BaseHTTPRequestHandler], state: State):
        super().__init__(("127.0.0.1", port), handler)
        self.state = state


class RunningFake(Generic[State]):
    """`with Fake() as fake:` serves on a free loopback port in a daemon thread until the block ends."""

    def __init__(self, server: LoopbackServer[State]):
        self.server = server
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def state(self) -> State:
        return self.server.state

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def serve(self, name: str) -> None:
        """Serve in the foreground until killed (`python -m tests.fakes.<provider> --port N`)."""
        print(f"fake {name} on {self.url}", flush=True)
        self.server.serve_forever()
