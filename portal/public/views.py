"""The public site on BASE_DOMAIN: landing, pricing, sign-up, "find my workspace", docs."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from portal.context_processors import site
from portal.public.forms import CalculatorForm
from portal.public.pricing import estimates_for, priced_plans


def landing(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "site/landing.html")


def docs(request: HttpRequest) -> HttpResponse:
    """The API reference lives on the shared API host (Swagger UI, Redoc)."""
    return HttpResponseRedirect(site(request)["site_docs_url"])


def pricing(request: HttpRequest) -> HttpResponse:
    """The price list and a cost calculator. ``?calls=N`` computes the estimate on the server, so
    the calculator works without JavaScript; static/js/pricing.js updates it as one types."""
    plans = priced_plans()
    form = CalculatorForm(request.GET or None)
    calls = form.cleaned_data["calls"] if form.is_bound and form.is_valid() else 50_000
    return TemplateResponse(
        request,
        "site/pricing.html",
        {"plans": plans, "form": form, "calls": calls, "estimates": estimates_for(plans, calls)},
    )


def placeholder(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "site/landing.html")
