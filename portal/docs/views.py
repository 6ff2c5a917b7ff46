"""Docs pages of the portal: the guide index, the guides, the playground and the API changelog.

Every page is a ``PortalView`` (a member of this tenant, logged in; others get the 404 page).
Guides are templates under ``templates/portal/docs/guides/`` listed in ``GUIDES``; their facts
are the API's public contract (README, API-CHANGELOG.md, api/graphql/). The playground's POST is
open to every role — what a viewer gets is a read-only key (``portal.docs.playground``).
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from portal.access import ALL_ROLES, PortalView
from portal.docs.markdown import markdown_to_html
from portal.docs.playground import (
    PLAYGROUND_KEY_LIFETIME,
    playground_key_current,
    playground_key_issue,
    playground_scopes,
)

CHANGELOG = Path(settings.BASE_DIR) / "API-CHANGELOG.md"

# (slug, title, one-line summary): the guides, in reading order.
GUIDES = (
    ("quickstart", "Quick start", "Your first call in a minute, with a sandbox key."),
    ("authentication", "Authentication", "API keys, live and sandbox, scopes, hosts."),
    ("pagination", "Pagination", "Cursor and offset paging, ordering, fields, filters."),
    ("errors", "Errors", "Problem details (RFC 9457), codes, request ids."),
    ("rate-limits", "Rate limits", "Plans, token buckets, quotas, the headers, 429."),
    ("idempotency", "Idempotency", "Retry writes safely with Idempotency-Key."),
    ("webhooks", "Webhooks", "Signed events, retries and verifying signatures."),
    ("websocket", "WebSocket stream", "Events in real time over /v1/ws."),
    ("graphql", "GraphQL", "Auth, cost, limits, pagination, errors, subscriptions."),
)
GUIDE_TITLES = {slug: title for slug, title, _ in GUIDES}

# GraphQL's limits as api/graphql/ sets them (the portal may not import the API layer;
# portal/tests/docs/test_guides.py fails when these and api.graphql's differ).
GRAPHQL_LIMITS = {
    "tokens": 5_000,
    "depth": 15,
    "aliases": 30,
    "fields": 5_000,
    "introspection_depth": 3,
    "subscriptions": 100,
}


@lru_cache(maxsize=4)
def _changelog_render(mtime_ns: int) -> tuple:
    return markdown_to_html(CHANGELOG.read_text(encoding="utf-8"), heading_offset=1)


def changelog_render() -> tuple:
    """(HTML, headings) of API-CHANGELOG.md, converted again only when the file changes."""
    return _changelog_render(CHANGELOG.stat().st_mtime_ns)


class _DocsView(PortalView):
    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["guides"] = [
            {"slug": slug, "title": title, "summary": summary} for slug, title, summary in GUIDES
        ]
        context["api_base"] = f"{self.request.scheme}://{self.request.get_host()}"
        return context


class GuideIndexView(_DocsView):
    template_name = "portal/docs/index.html"

    def get(self, request):
        return self.render_to_response(self.get_context_data())


class GuideView(_DocsView):
    def get(self, request, slug: str):
        if slug not in GUIDE_TITLES:
            raise Http404
        self.template_name = f"portal/docs/guides/{slug}.html"
        context = self.get_context_data(
            slug=slug,
            guide_title=GUIDE_TITLES[slug],
            graphql_limits=GRAPHQL_LIMITS,
        )
        return self.render_to_response(context)


class PlaygroundView(_DocsView):
    """GET: Swagger UI pre-authorised with the member's playground key when this session holds
    one that works, else a page offering to issue one. POST: issue (or reuse) it."""

    template_name = "portal/docs/playground.html"
    write_roles = ALL_ROLES  # a viewer's key is read-only (portal.docs.playground)

    def get(self, request):
        key = playground_key_current(request, membership=self.membership)
        context = self.get_context_data(
            playground_key=key,
            scopes=playground_scopes(self.membership.role),
            lifetime_hours=int(PLAYGROUND_KEY_LIFETIME.total_seconds() // 3600),
            config=(
                {"key": key.secret, "schemaUrl": "/v1/openapi.json", "graphqlUrl": "/v1/graphql"}
                if key
                else None
            ),
        )
        response = self.render_to_response(context)
        # The page carries a raw key: never cached, never stored by a browser.
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request):
        playground_key_issue(request, membership=self.membership)
        return HttpResponseRedirect(reverse("portal:playground"))


class ChangelogView(_DocsView):
    template_name = "portal/docs/changelog.html"

    def get(self, request):
        html, headings = changelog_render()
        context = self.get_context_data(
            changelog_html=html, releases=[h for h in headings if h["level"] == 2]
        )
        return self.render_to_response(context)
