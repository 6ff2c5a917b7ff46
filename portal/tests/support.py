"""Helpers shared by the portal's tests."""

import re

from django.core import mail
from django.test import Client

from core.testing import host_of

LINK = re.compile(r"https?://[^\s]+")


def links_in_last_mail(to: str) -> list[str]:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return LINK.findall(message.body)


def client_for(user, tenant) -> Client:
    """A client logged in as ``user`` on ``tenant``'s host."""
    client = Client(HTTP_HOST=host_of(tenant))
    client.force_login(user)
    return client


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def host_in(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]
