"""The gateway's one Redis round trip per call, and the usage buffer that rides on it.

``_UsageBuffer.push_with`` sends one pipeline: the limit script (``limits``) plus an XADD per
usage record waiting in this process (``metering``); the script also returns the cache
invalidation generation (``cache_generation``). When the process is idle a background thread
pushes the buffer within ``USAGE_PUSH_INTERVAL``. ``redis_state`` is a small circuit breaker: after
a Redis error the gateway leaves Redis alone for ``GATEWAY_REDIS_RETRY_SECONDS`` (fail-open).
"""

import atexit
import hashlib
import logging
import os
import socket
import struct
import threading
import time
from collections import deque

from django.conf import settings
from django_redis import get_redis_connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError, NoScriptError, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.cache import freshness
from metering.records import USAGE_STREAM

logger = logging.getLogger(__name__)


# KEYS: bucket, period counter (live calls of the month), cache invalidation generation, the
# data generation of the call's schema (``data_generation``).
# ARGV: rate/s, burst, cost, count the call (1/0), hard cap (0: none), counter seed, counter ttl,
# spend cap in calls (-1: none; the organisation's CallLimits.spend_cap_calls).
# Returns {allowed, code (0 ok, 1 rate, 2 quota, 3 spend cap), tokens left, retry after ms,
# period calls, invalidation generation, data generation}. The clock is Redis's own (TIME), so
# every process agrees on it. The quota and the spend cap compare the counter before counting the
# call, in the script, so however many processes call at once no more than the cap's calls are
# ever let through.
_LIMIT_LUA = """
local generation = tonumber(redis.call('GET', KEYS[3]) or '0')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('GET', KEYS[4])
if not data then
  data = t[1] .. string.format('%06d', tonumber(t[2]))
  redis.call('SET', KEYS[4], data)
end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local count_call = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[6], 'EX', ARGV[7], 'NX')
end
local used = tonumber(redis.call('GET', KEYS[2]))
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local ttl = math.ceil(burst * 1000 / rate) + 1000
if cap > 0 and used >= cap then
  return {0, 2, math.floor(tokens), 0, used, generation, data}
end
local spend_cap = tonumber(ARGV[8] or '-1')
if spend_cap >= 0 and used >= spend_cap then
  return {0, 3, math.floor(tokens), 0, used, generation, data}
end
if tokens < cost then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
  redis.call('PEXPIRE', KEYS[1], ttl)
  local retry = math.ceil((cost - tokens) * 1000 / rate)
  return {0, 1, math.floor(tokens), retry, used, generation, data}
end
tokens = tokens - cost
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], ttl)
if count_call == 1 then
  used = redis.call('INCR', KEYS[2])
end
return {1, 0, math.floor(tokens), 0, used, generation, data}
"""
_LIMIT_SHA = hashlib.sha1(_LIMIT_LUA.encode()).hexdigest()  # noqa: S324 - Redis's script id
COUNTER_TTL_SECONDS = 40 * 24 * 3600
CACHE_GENERATION_KEY = "oc:cache-generation"
LIMIT_SCRIPT_KEYS = 4


class _RedisState:
    """Whether this process currently believes Redis is reachable (a small circuit breaker)."""

    def __init__(self):
        self.unavailable_until = 0.0
        self.is_down = False

    @property
    def is_available(self) -> bool:
        return time.monotonic() >= self.unavailable_until

    def failed(self, exc: Exception) -> None:
        if not self.is_down:
            logger.warning("Redis unreachable (%s): gateway fails open", exc.__class__.__name__)
        self.is_down = True
        self.unavailable_until = time.monotonic() + settings.GATEWAY_REDIS_RETRY_SECONDS

    def succeeded(self) -> None:
        if self.is_down:
            self.is_down = False
            logger.warning("Redis reachable again: %s usage records to send", len(usage_buffer))


redis_state = _RedisState()


class _CacheGeneration:
    """Cross-process invalidation of the per-process caches (key contexts, host answers).

    A write that changes what they hold moves a counter in Redis (``bump``, from the services'
    ``caches_invalidate`` callbacks); every call's limit script returns it (``seen``), so each
    process notices a change at its next call and forgets its caches. Each sighting also
    *confirms* ``core.cache.freshness``: while calls keep confirming, cached entries may live
    past their short TTL (see ``core.cache``); when Redis is unreachable nothing confirms and
    they expire as before."""

    def __init__(self):
        self._value: int | None = None
        self._callbacks: list = []
        self._lock = threading.Lock()

    def on_change(self, callback) -> None:
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def seen(self, value: int) -> None:
        if value != self._value:
            with self._lock:
                changed = self._value is not None and value != self._value
                self._value = value
            if changed:
                for callback in self._callbacks:
                    callback()
        freshness.confirm()

    def bump(self) -> None:
        if not redis_state.is_available:
            return  # the others expire their entries within the short TTL without confirmation
        try:
            value = redis_client().incr(CACHE_GENERATION_KEY)
        except RedisError as exc:
            redis_state.failed(exc)
            return
        with self._lock:  # this process has forgotten its caches already (the caller did)
            self._value = value

    def forget(self) -> None:
        """Tests: behave as a process that has not seen the generation yet."""
        self._value = None
        freshness.reset()


cache_generation = _CacheGeneration()


# The data generation of a schema: a number that changes whenever anything in the schema may
# have changed, read by every call's limit script (KEYS[4]) and moved by ``data_generation_bump``
# after each committed write. Where the key is missing (never set, or Redis restarted and kept
# nothing) it starts at Redis's clock in microseconds, so a generation is never handed out twice
# and an answer cached under an earlier one can never match again.
_DATA_GENERATION_BUMP_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.format('%06d', tonumber(t[2])))
end
return redis.call('INCR', KEYS[1])
"""


def data_generation_key(schema_name: str) -> str:
    return f"oc:data-gen:{schema_name}"


def data_generation_bump(schema_name: str) -> int | None:
    """Move the data generation of ``schema_name`` (after a committed write to it); returns the
    new one, or None when Redis is unreachable (readers then serve cached answers until their
    time-to-live ends)."""
    if not redis_state.is_available:
        return None
    try:
        return int(
            redis_client().eval(_DATA_GENERATION_BUMP_LUA, 1, data_generation_key(schema_name))
        )
    except RedisError as exc:
        redis_state.failed(exc)
        return None


def redis_client():
    """This process's Redis client. Django's cache handles are per thread, and ASGI runs each
    request in a thread of its own, so fetching one per call would rebuild it every request; a
    redis-py client is thread-safe and shares one connection pool."""
    global _redis_client, _redis_client_pid
    if _redis_client is None or _redis_client_pid != os.getpid():
        _redis_client, _redis_client_pid = get_redis_connection("default"), os.getpid()
    return _redis_client


_redis_client = None
_redis_client_pid: int | None = None


class _UsageBuffer:
    """Usage records of this process on their way to Redis (see module docstring)."""

    def __init__(self):
        self._records: deque[dict[str, str]] = deque()
        self._lock = threading.Lock()
        self._dropped = 0
        self._pusher_pid: int | None = None

    def __len__(self) -> int:
        return len(self._records)

    def add(self, fields: dict[str, str]) -> None:
        with self._lock:
            if len(self._records) >= settings.USAGE_BUFFER_MAX_RECORDS:
                self._records.popleft()
                self._dropped += 1
                if self._dropped % 1000 == 1:
                    logger.error("usage buffer full: %s records dropped so far", self._dropped)
            self._records.append(fields)
        if self._pusher_pid != os.getpid():
            self._start_pusher()

    def _take(self) -> list[dict[str, str]]:
        with self._lock:
            records = list(self._records)
            self._records.clear()
        return records

    def _give_back(self, records: list[dict[str, str]]) -> None:
        with self._lock:
            self._records.extendleft(reversed(records))

    def push_with(self, limit_args: list | None = None):
        """One pipeline: the limit script (when ``limit_args`` are given) plus an XADD per pending
        record. Returns the script's reply. On a Redis error the records go back to the buffer
        and the error propagates."""
        records = self._take()
        if limit_args is None and not records:
            return None
        redis = redis_client()
        commands = [_entry_packed(fields) for fields in records]
        if limit_args is not None:
            commands.insert(0, _packed(("EVALSHA", _LIMIT_SHA, LIMIT_SCRIPT_KEYS, *limit_args)))
        try:
            replies = _pipeline_execute(redis, commands)
        except RedisError:
            self._give_back(records)
            raise
        reply = None
        if limit_args is not None:
            reply, replies = replies[0], replies[1:]
            if isinstance(reply, NoScriptError):
                # First call against this Redis (or it restarted): load the script, run it again.
                redis.script_load(_LIMIT_LUA)
                reply = redis.evalsha(_LIMIT_SHA, LIMIT_SCRIPT_KEYS, *limit_args)
            elif isinstance(reply, Exception):
                raise reply
        failed = [f for f, r in zip(records, replies, strict=True) if isinstance(r, Exception)]
        if failed:
            self._give_back(failed)
        redis_state.succeeded()
        return reply

    def push(self) -> int:
        """Send pending records to Redis now; returns how many were sent (0 if Redis is down)."""
        pending = len(self._records)
        if not pending or not redis_state.is_available:
            return 0
        try:
            self.push_with(None)
        except RedisError as exc:
            redis_state.failed(exc)
            return 0
        return pending

    def _start_pusher(self) -> None:
        with self._lock:
            if self._pusher_pid == os.getpid():
                return
            self._pusher_pid = os.getpid()
        thread = threading.Thread(target=self._run_pusher, name="usage-pusher", daemon=True)
        thread.start()

    def _run_pusher(self) -> None:
        while True:
            time.sleep(settings.USAGE_PUSH_INTERVAL)
            try:
                self.push()
            except Exception:  # the pusher must never die
                logger.exception("usage push failed")


usage_buffer = _UsageBuffer()
atexit.register(usage_buffer.push)


def _packed(arguments) -> bytes:
    """One command as RESP bytes, as redis-py's encoder writes it (text as UTF-8, integers in
    decimal) but without its per-argument dispatch: a call's limit script and usage record
    take ~50 µs of CPU packed and sent this way against ~100 µs through redis-py's pipeline
    (README, Benchmarks). Anything but text, bytes and integers is refused, as redis-py does.

    What a call sends is ASCII text and integers (keys, ids, numbers, routes): framed as one
    string and encoded once, where a length in characters is the length in bytes. Anything else
    (bytes, non-ASCII text) is framed argument by argument (``_packed_each``)."""
    texts = []
    for argument in arguments:
        kind = type(argument)
        if kind is str:
            texts.append(argument)
        elif kind is int:
            texts.append(str(argument))
        else:
            return _packed_each(arguments)
    body = "".join([f"${len(text)}\r\n{text}\r\n" for text in texts])
    if not body.isascii():
        return _packed_each(arguments)
    return f"*{len(texts)}\r\n{body}".encode()


def _packed_each(arguments) -> bytes:
    parts = [b"*%d\r\n" % len(arguments)]
    for argument in arguments:
        kind = type(argument)
        if kind is str:
            data = argument.encode()
        elif kind is int:
            data = b"%d" % argument
        elif kind is bytes:
            data = argument
        else:
            raise DataError(f"Invalid input of type {kind.__name__!r} for a Redis command")
        parts.append(b"$%d\r\n%b\r\n" % (len(data), data))
    return b"".join(parts)


def _flat(fields: dict[str, str]) -> list[str]:
    return [item for pair in fields.items() for item in pair]


_XADD_HEAD = f"$4\r\nXADD\r\n${len(USAGE_STREAM)}\r\n{USAGE_STREAM}\r\n$1\r\n*\r\n"


def _entry_packed(fields: dict[str, str]) -> bytes:
    """``XADD USAGE_STREAM * <fields>`` as ``_packed`` writes it, a field pair at a time: a usage
    record's names and values are text (``UsageRecord.to_fields``), nearly always ASCII."""
    body = "".join([f"${len(k)}\r\n{k}\r\n${len(v)}\r\n{v}\r\n" for k, v in fields.items()])
    if not body.isascii():
        return _packed_each(("XADD", USAGE_STREAM, "*", *_flat(fields)))
    return f"*{3 + 2 * len(fields)}\r\n{_XADD_HEAD}{body}".encode()


class _ThreadConnection(threading.local):
    """Each thread's own connection for the gateway's round trip (``_pipeline_execute``)."""

    connection = None
    owner: tuple | None = None  # (pid, pool): a forked child or another client starts afresh


_thread_connection = _ThreadConnection()


def _connection_of_thread(redis):
    """This thread's connection to ``redis``'s server, made with its pool's settings but held by
    the thread rather than checked out of the pool per call: a checkout takes the pool's lock,
    records metrics and asks the socket whether it holds unread data (a non-blocking read and two
    timeout changes), which under a few server threads costs more than the exchange itself. Never
    holding unread data is this module's own guarantee instead (``_pipeline_execute``)."""
    local = _thread_connection
    owner = (os.getpid(), redis.connection_pool)
    if local.connection is None or local.owner != owner:
        pool = redis.connection_pool
        local.connection = pool.connection_class(**pool.connection_kwargs)
        local.owner = owner
    return local.connection


def _pipeline_execute(redis, commands: list[bytes]) -> list:
    """The replies to ``commands`` (``_packed``), sent in one round trip on the thread's own
    connection (``_connection_of_thread``), as redis-py's non-transactional pipeline sends them:
    an error reply is kept as that command's reply while the others are still read.

    A connection Redis closed while it sat unused (a restart, ``CLIENT KILL``, an idle timeout)
    is found when the exchange fails with a ``ConnectionError``: it is reopened and the batch sent
    once more — what redis-py's pool does when it finds such a connection at checkout, found here
    after the attempt rather than by a probe before every call. A connection opened for this
    very call is not tried twice, nor is any exchange after a timeout (Redis may have run the
    script: a second run would take its tokens twice). Whatever interrupts an exchange closes
    the connection, so no reply is ever left unread for the next one to take as its own.

    The socket's timeout (the client's ``socket_timeout``) is kept by the kernel
    (``_kernel_timeouts_set``), so a send or a receive that runs out of it fails with
    ``EAGAIN``, which redis-py reports as a ``ConnectionError``: it is raised as the
    ``TimeoutError`` it is, and never sent again."""
    connection = _connection_of_thread(redis)
    packed = b"".join(commands)  # one write (redis-py sends each item of a list on its own)
    may_be_stale = connection._sock is not None
    while True:
        try:
            if connection._sock is None:
                connection.connect()
                _kernel_timeouts_set(connection._sock, connection.socket_timeout)
            connection.send_packed_command([packed], check_health=False)
            replies = []
            for _ in commands:
                try:
                    replies.append(connection.read_response())
                except ResponseError as error:
                    replies.append(error)
            return replies
        except RedisConnectionError as error:
            connection.disconnect()
            if isinstance(error.__context__, BlockingIOError):
                raise RedisTimeoutError("Timeout on the gateway's Redis connection") from error
            if not may_be_stale:
                raise
            may_be_stale = False
        except BaseException:
            connection.disconnect()
            raise


def _kernel_timeouts_set(sock, seconds: float | None) -> None:
    """The socket blocks in the kernel, its timeouts kept by the kernel (SO_RCVTIMEO and
    SO_SNDTIMEO) rather than by Python: a Python timeout makes every send and receive first
    poll() the socket, each a GIL release of its own."""
    sock.settimeout(None)
    if seconds:
        value = struct.pack("ll", int(seconds), int((seconds % 1) * 1_000_000))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)
