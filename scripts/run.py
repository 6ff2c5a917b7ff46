"""Run the whole platform in the foreground: ASGI web server, Celery workers and Celery beat.

Two workers, as in production: one for webhook deliveries (``webhooks``), one for billing and
everything else (``billing``, ``default``), so a backlog of slow receivers never delays the usage
flush or the heartbeat that ``/healthz`` reads.

Ctrl-C (or SIGTERM) stops all three; if one of them exits, the others are stopped too and the
exit code says so. `make run` calls this after migrating and ensuring the demo tenant.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")

PROCESSES = {
    "web": [
        str(BIN / "uvicorn"), "openchance.asgi:application",
        "--host", HOST, "--port", PORT, "--workers", os.environ.get("WEB_CONCURRENCY", "2"),
        # A client may not make the server buffer more than this per WebSocket frame (frames
        # over 16 KiB are refused by the stream anyway; uvicorn's default is 16 MiB).
        "--no-server-header", "--ws-max-size", "65536",
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
        "--schedule", str(BASE_DIR / ".local" / "celerybeat-schedule"),
    ],
}  # fmt: skip


def web_answers() -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/livez", timeout=1) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop_all(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop_all)
    signal.signal(signal.SIGTERM, stop_all)

    for name, command in PROCESSES.items():
        # Each child gets its own process group so a terminal's Ctrl-C reaches us first and we
        # stop them in order, instead of all of them racing each other.
        children[name] = subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)
        print(f"[run] started {name} (pid {children[name].pid})", flush=True)

    banner_pending = True
    started_at = time.monotonic()
    exit_code = 0
    while not stopping:
        if banner_pending and (web_answers() or time.monotonic() - started_at > 60):
            banner_pending = False
            banner = BASE_DIR / ".local" / "banner.txt"
            if banner.exists():
                print(banner.read_text(), flush=True)
            print("[run] Ctrl-C stops the web server, the workers and beat.", flush=True)
        for name, child in children.items():
            if child.poll() is not None:
                print(f"[run] {name} exited with {child.returncode}; stopping the rest", flush=True)
                exit_code = child.returncode or 1
                stopping = True
                break
        time.sleep(0.3)

    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    print("[run] stopped", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
