"""A real HTTP receiver for tests and benchmarks: a threaded server on 127.0.0.1 that records
every request and answers as scripted (status, headers, body, or a stall until released). Real
Celery workers for tests come from ``core.testing.celery_worker_start``."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.monotonic)


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    stall: bool = False  # hold the request until ``WebhookSink.release()`` (or 60 s)


class WebhookSink:
    def __init__(self, *, record: bool = True):
        self.requests: list[ReceivedRequest] = []
        self.record = record
        self.count = 0
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._released = threading.Event()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                reply = sink._arrive(ReceivedRequest(self.path, headers, body))
                if reply.stall:
                    sink._released.wait(60)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host}{path}"

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order; then 200 ``ok`` again."""
        with self._lock:
            self._script.extend(replies)

    def release(self) -> None:
        self._released.set()

    def _arrive(self, request: ReceivedRequest) -> Reply:
        with self._lock:
            self.count += 1
            if self.record:
                self.requests.append(request)
            self._arrived.notify_all()
            return self._script.pop(0) if self._script else Reply()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[ReceivedRequest]:
        with self._lock:
            if not self._arrived.wait_for(lambda: self.count >= count, timeout):
                raise AssertionError(f"the sink got {self.count} requests, expected {count}")
            return list(self.requests)

    def close(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()
