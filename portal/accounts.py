"""django-allauth's adapter for the portal and the public site.

Accounts live in the public schema (``tenants.User``, email as the login) and allauth's URLs are
served at ``/accounts/`` on the public host and on every tenant host, each with its own session.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True
