"""The request context: who is acting and under which request id, without passing it by hand.

``RequestIdMiddleware`` binds a context for each HTTP request (its ``request_id``); the gateway adds
the ``actor`` once a key is verified (``api_key:<id>``); the portal will add ``user:<id>``. Code
deep below — ``events.services.event_emit`` stamps every outbox event with the request id — reads
``request_context()`` instead of taking the id as a parameter from every service in between.

A ``ContextVar``, so it is per thread and per asyncio task: Django runs a request's middleware and
view in one thread (WSGI, and ASGI's sync path), and Celery tasks start with the empty context.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    actor: str = ""  # "api_key:key_…", "user:42", "" outside a request


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("openchance_request_context", default=_EMPTY)


def request_context() -> RequestContext:
    return _current.get()


def request_context_set(**values: str) -> Token:
    """Bind a new context until ``request_context_reset(token)``: ``request_context_bound``
    without its generator, for the middleware that binds one per request (a generator-based
    context manager costs several times a ``try``/``finally``)."""
    return _current.set(RequestContext(**values))


def request_context_reset(token: Token) -> None:
    _current.reset(token)


@contextmanager
def request_context_bound(**values: str) -> Iterator[RequestContext]:
    """A new context for the duration of the block (a request, a batch operation, a task)."""
    token = request_context_set(**values)
    try:
        yield _current.get()
    finally:
        request_context_reset(token)


def request_context_update(**values: str) -> None:
    """Add to the context bound by the enclosing ``request_context_bound`` (e.g. the actor once
    the key is verified); the enclosing block's exit restores what was there before it."""
    _current.set(RequestContext(**{**_current.get().__dict__, **values}))
