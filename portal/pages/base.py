"""The base of the data pages: a PortalView that runs in the schema of the mode it shows."""

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.views import View
from django_tenants.utils import tenant_context

from core.errors import NotFoundError
from portal.access import PortalView


def with_percent(row: dict) -> dict:
    """``row`` (a usage total with ``error_rate``) with ``error_percent`` for display."""
    row["error_percent"] = round(100 * row.get("error_rate", 0.0), 2)
    return row


def url_if_exists(name: str, *args) -> str | None:
    """The URL of a page that may not be built yet (e.g. ``portal:billing``), or None."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class _InDataSchema(View):
    """Runs the handler — and renders its template — in ``self.data_tenant``'s schema (live or
    sandbox), so tenant-schema reads (request logs, webhooks) see the mode's data. Sits between
    ``PortalView.dispatch`` (which resolves ``data_tenant``) and ``View.dispatch`` in the MRO."""

    def dispatch(self, request, *args, **kwargs):
        with tenant_context(self.data_tenant):
            try:
                response = super().dispatch(request, *args, **kwargs)
            except NotFoundError:
                # An access-checked fetch refused: missing or someone else's, the same 404 page.
                raise Http404 from None
            render = getattr(response, "render", None)
            if render is not None and not getattr(response, "is_rendered", True):
                render()
        return response


class DataPageView(PortalView, _InDataSchema):
    """A data page. Subclasses implement ``get``/``post``; see ``portal.access.PortalView``.

    Pass templates lists, not querysets: a queryset evaluated while the response renders would
    run after the schema switch ends (``_InDataSchema`` renders inside it, but lists say so)."""

    def api_base(self) -> str:
        """The API's base URL on this host, for copy-paste snippets."""
        return f"{self.request.scheme}://{self.request.get_host()}"
