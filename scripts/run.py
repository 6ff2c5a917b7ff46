"""Run the whole platform in the foreground, on one port, as production runs it (README,
*Production*):

- ``front``: nginx on ``HOST:PORT``; it sends WebSocket upgrades to ``stream`` and every other
  request to ``web`` (deploy/nginx/*.conf, the files production includes too);
- ``web``: granian serving ``openchance.wsgi`` (Django's WSGI handler) on a Unix socket,
  ``WEB_CONCURRENCY`` worker processes of ``WEB_THREADS`` threads;
- ``stream``: uvicorn serving ``openchance.asgi`` (Channels, ``/v1/ws``) on a Unix socket;
- two Celery workers, as in production: one for webhook deliveries (``webhooks``), one for
  billing and everything else (``billing``, ``default``), so a backlog of slow receivers never
  delays the usage flush or the heartbeat that ``/healthz`` reads; and Celery beat.

``RUN_PROCESSES`` (comma-separated names, default all) runs a part of it; ``RUN_DIR`` (default
``.local/run``) holds the sockets, nginx's configuration and beat's schedule. Ctrl-C (or SIGTERM)
stops them all; if one of them exits, the others are stopped too and the exit code says so.
`make run` calls this after migrating and ensuring the demo tenant.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
RUN_DIR = Path(os.environ.get("RUN_DIR", BASE_DIR / ".local" / "run")).resolve()
WEB_SOCKET = RUN_DIR / "web.sock"
STREAM_SOCKET = RUN_DIR / "stream.sock"
NGINX_INCLUDES = BASE_DIR / "deploy" / "nginx"
# Debian installs nginx in /usr/sbin, which a user's PATH may lack.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/local/sbin:/usr/sbin")
ACCESS_LOG = os.environ.get("RUN_ACCESS_LOG", "true").lower() in ("1", "true", "yes")

PROCESSES = {
    "front": [
        NGINX or "nginx", "-p", str(RUN_DIR), "-c", str(RUN_DIR / "nginx.conf"),
        "-e", "stderr",
    ],
    "web": [
        str(BIN / "granian"), "--interface", "wsgi", "openchance.wsgi:application",
        "--uds", str(WEB_SOCKET), "--uds-permissions", "0o660",
        "--workers", os.environ.get("WEB_CONCURRENCY", "2"),
        # Threads overlap one request's Redis and PostgreSQL round trips with another's work;
        # keep them at most DATABASE_POOL_MAX_SIZE so no thread waits for a connection.
        "--blocking-threads", os.environ.get("WEB_THREADS", "4"),
        "--no-ws", "--log-level", "warning", "--no-access-log",
        "--workers-kill-timeout", "20", "--process-name", "openchance-web",
    ],
    "stream": [
        str(BIN / "uvicorn"), "openchance.asgi:application", "--uds", str(STREAM_SOCKET),
        "--workers", os.environ.get("STREAM_CONCURRENCY", "1"),
        "--http", "httptools", "--loop", "uvloop", "--no-access-log", "--no-server-header",
        # A client may not make the server buffer more than this per WebSocket frame (frames
        # over 16 KiB are refused by the stream anyway; uvicorn's default is 16 MiB).
        "--ws-max-size", "65536",
        # Only nginx reaches the socket, and it replaces X-Forwarded-For with the address it saw.
        "--proxy-headers", "--forwarded-allow-ips", "*",
        "--timeout-graceful-shutdown", "10",
    ],
    "worker": [
        str(BIN / "celery"), "-A", "openchance", "worker",
        "-Q", "webhooks",
        "--concurrency", os.environ.get("WORKER_CONCURRENCY", "4"),
        "--loglevel", "INFO", "--hostname", "webhooks@%h",
    ],
    "worker-billing": [
        str(BIN / "celery"), "-A", "openchance", "worker",
        "-Q", "billing,default", "--concurrency", "1",
        "--loglevel", "INFO", "--hostname", "billing@%h",
    ],
    "beat": [
        str(BIN / "celery"), "-A", "openchance", "beat", "--loglevel", "INFO",
        "--schedule", str(RUN_DIR / "celerybeat-schedule"),
    ],
}  # fmt: skip

# The web processes learn that nginx stands in front: the client address is the one it sets.
WEB_ENV = {"API_TRUSTED_PROXY_COUNT": "1", "RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP"}


def nginx_config() -> str:
    """nginx's configuration for `make run`: the production includes, upstreams on our sockets."""
    temp = RUN_DIR / "nginx-temp"
    # nginx started by root hands requests to workers running as nobody, who could neither
    # reach the sockets nor write the temporary directories under RUN_DIR.
    user = "user root;" if os.geteuid() == 0 else ""
    access_log = "access_log /dev/stdout;" if ACCESS_LOG else "access_log off;"
    return f"""# Written by scripts/run.py on every start; edit deploy/nginx/*.conf instead.
{user}
worker_processes 1;
daemon off;
pid {RUN_DIR / "nginx.pid"};
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    {access_log}
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    upstream openchance_web {{ server unix:{WEB_SOCKET}; keepalive 16; }}
    upstream openchance_ws {{ server unix:{STREAM_SOCKET}; }}
    map "" $openchance_forwarded_proto {{ default $scheme; }}
    include {NGINX_INCLUDES / "openchance-http.conf"};
    server {{
        listen {HOST}:{PORT};
        include {NGINX_INCLUDES / "openchance-server.conf"};
    }}
}}
"""


def selected() -> dict[str, list[str]]:
    names = os.environ.get("RUN_PROCESSES", "")
    wanted = [name.strip() for name in names.split(",") if name.strip()] or list(PROCESSES)
    unknown = set(wanted) - set(PROCESSES)
    if unknown:
        sys.exit(f"[run] RUN_PROCESSES names unknown processes: {', '.join(sorted(unknown))}")
    return {name: PROCESSES[name] for name in wanted}


def prepare(processes: dict[str, list[str]]) -> None:
    (RUN_DIR / "nginx-temp").mkdir(parents=True, exist_ok=True)
    for socket_path in (WEB_SOCKET, STREAM_SOCKET):
        socket_path.unlink(missing_ok=True)  # left behind by a process that was killed
    if "front" in processes:
        if NGINX is None:
            sys.exit(
                "[run] nginx is not installed: `make run` installs it (apt-get); elsewhere "
                "install nginx (e.g. `brew install nginx`) and run again."
            )
        (RUN_DIR / "nginx.conf").write_text(nginx_config())


def web_answers(processes) -> bool:
    """Whether the front answers /livez (through the web server) and the stream server listens."""
    if "stream" in processes:
        with socket.socket(socket.AF_UNIX) as sock:
            try:
                sock.connect(str(STREAM_SOCKET))
            except OSError:
                return False
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/livez", timeout=1) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


DEMO_CHALLENGES = [
    {
        "title": "Build a rate-limit dashboard",
        "category": "bounty",
        "reward": {"amount": 50000, "currency": "usd"},
    },
    {
        "title": "Translate the docs into Spanish",
        "category": "gig",
        "reward": {"amount": 20000, "currency": "usd"},
    },
    {"title": "Spring hackathon: open data", "category": "hackathon"},
]


def demo_traffic() -> None:
    """Once per demo tenant: a few real API calls with its keys (creates, lists, one 404), so the
    portal's dashboard, usage and logs show data from the first minute. Recorded in
    .local/demo.json; a failure is printed and never stops the platform."""
    import json

    state_file = BASE_DIR / ".local" / "demo.json"
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return
    if state.get("demo_traffic_done"):
        return
    calls = 0
    for key in filter(None, [state.get("test_key"), state.get("live_key")]):
        for method, path, body in [
            *[("POST", "/v1/challenges", challenge) for challenge in DEMO_CHALLENGES],
            ("GET", "/v1/challenges?limit=10", None),
            ("GET", "/v1/me", None),
            ("GET", "/v1/challenges/chl_00000000000000000000000000", None),  # a 404 for the logs
        ]:
            request = urllib.request.Request(  # noqa: S310 - our own front on 127.0.0.1
                f"http://127.0.0.1:{PORT}{path}",
                method=method,
                data=json.dumps(body).encode() if body else None,
                headers={
                    "Host": f"demo.{os.environ.get('BASE_DOMAIN', 'localhost')}",
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/json",
                },
            )
            try:
                urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
            except urllib.error.HTTPError:
                pass  # the 404 is meant; anything else shows in the portal's logs
            except OSError as exc:
                print(f"[run] demo traffic stopped: {exc}", flush=True)
                return
            calls += 1
    state["demo_traffic_done"] = True
    state_file.write_text(json.dumps(state, indent=2))
    print(f"[run] made {calls} demo API calls: the portal shows them within seconds", flush=True)


def main() -> int:
    processes = selected()
    prepare(processes)
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop_all(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)

    for name, command in processes.items():
        env = {**os.environ, **WEB_ENV} if name in ("web", "stream") else None
        # Each child gets its own process group so a terminal's Ctrl-C reaches us first and we
        # stop them in order, instead of all of them racing each other.
        children[name] = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
        print(f"[run] started {name} (pid {children[name].pid})", flush=True)

    banner_pending = "front" in children
    started_at = time.monotonic()
    exit_code = 0
    while not stopping:
        if banner_pending and (web_answers(processes) or time.monotonic() - started_at > 60):
            banner_pending = False
            banner = BASE_DIR / ".local" / "banner.txt"
            if banner.exists():
                print(banner.read_text(), flush=True)
            print("[run] Ctrl-C stops the web servers, the workers and beat.", flush=True)
            if "web" in children and os.environ.get("RUN_DEMO_TRAFFIC", "1") != "0":
                threading.Thread(target=demo_traffic, daemon=True).start()
        for name, child in children.items():
            if child.poll() is not None:
                print(f"[run] {name} exited with {child.returncode}; stopping the rest", flush=True)
                exit_code = child.returncode or 1
                stopping = True
                break
        time.sleep(0.3)

    for name, child in children.items():
        if child.poll() is None:
            # nginx: SIGQUIT is its graceful stop (SIGTERM drops requests in flight). The web
            # servers finish their requests and push their usage buffers on SIGTERM.
            child.send_signal(signal.SIGQUIT if name == "front" else signal.SIGTERM)
    deadline = time.monotonic() + 25
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    print("[run] stopped", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
