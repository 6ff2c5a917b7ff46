"""Server-rendered developer portal. Views only call selectors; no business logic lives here."""

from django.views.generic import TemplateView
from django_tenants.utils import tenant_context

from marketplace.selectors import challenge_count


class PortalHomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        tenant = self.request.tenant
        live_challenges = challenge_count()
        with tenant_context(tenant.sandbox):
            sandbox_challenges = challenge_count()
        return {
            **super().get_context_data(**kwargs),
            "tenant": tenant,
            "live_challenges": live_challenges,
            "sandbox_challenges": sandbox_challenges,
        }
