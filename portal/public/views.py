"""The public site on BASE_DOMAIN: landing, pricing, sign-up, "find my workspace", docs, and the
list of a logged-in person's workspaces (each opened through a one-time link, portal.handoff).

Sign-up: allauth creates the account (its password rules, its verification email) and
``organisation_provision`` the organisation on the sign-up plan, in one transaction — a refused
slug or any failure leaves neither. Verification is mandatory: the new owner confirms the email,
is logged in here (the same browser), and lands in the portal on ``<slug>.BASE_DOMAIN`` through
a one-time link, where the first sandbox key is shown once.
"""

import logging

from allauth.account.internal.flows.signup import complete_signup
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from organisations.services import organisation_provision
from portal.context_processors import site
from portal.handoff import handoff_url, tenant_base_url
from portal.public.forms import CalculatorForm, FindWorkspaceForm, OrganisationSignupForm
from portal.public.pricing import estimates_for, priced_plans
from tenants.selectors import (
    membership_of_user_for_slug,
    memberships_for_email,
    memberships_of_user,
)
from tenants.services import ProvisioningError, slug_validate

logger = logging.getLogger(__name__)

# The session of the browser that signed up remembers the new workspace until it is entered.
SIGNUP_WORKSPACE_SESSION_KEY = "portal_signup_workspace"
RATE_LIMIT_GROUP_SIGNUP = "portal.signup"
RATE_LIMIT_GROUP_FIND = "portal.find_workspace"
RATE_LIMIT_GROUP_SLUG = "portal.slug_check"


def rate_limited(request: HttpRequest, *, message: str = "", retry_after: int = 600):
    """The 429 page of the portal and public site."""
    response = TemplateResponse(
        request,
        "429.html",
        {"message": message, "retry_after_minutes": max(1, round(retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _limited(request: HttpRequest, *, group: str, rate: str, key="ip") -> bool:
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
    except Exception:  # noqa: BLE001 - the cache (Redis) failing must not take sign-up down
        logger.warning("portal rate limit unavailable (cache error)", exc_info=True)
        return False


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "site/landing.html")


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """The API reference lives on the shared API host (Swagger UI, Redoc)."""
    return HttpResponseRedirect(site(request)["site_docs_url"])


@require_GET
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


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(reverse("site:workspaces"))
    form = OrganisationSignupForm(request.POST or None)
    if request.method == "POST":
        if _limited(request, group=RATE_LIMIT_GROUP_SIGNUP, rate=settings.PORTAL_SIGNUP_RATE):
            return rate_limited(
                request, message="Too many sign-ups from your network in a short while."
            )
        if form.is_valid():
            response = _signup_complete(request, form)
            if response is not None:
                return response
    return TemplateResponse(
        request, "site/signup.html", {"form": form, "base_domain": settings.BASE_DOMAIN}
    )


def _signup_complete(request: HttpRequest, form: OrganisationSignupForm) -> HttpResponse | None:
    """Create the account and the organisation together; None (form errors added) on refusal."""
    try:
        with transaction.atomic():
            user, response = form.try_save(request)
            if response is not None:
                # An existing account (allauth mails its owner instead; nothing is revealed).
                return response
            provisioned = organisation_provision(
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["organisation_name"],
                plan_code=settings.PORTAL_SIGNUP_PLAN,
                owner_email=user.email,
                issue_keys=False,
            )
    except ProvisioningError as error:
        field = {"slug": "slug", "name": "organisation_name"}.get(error.field or "")
        form.add_error(field, error.message)
        return None
    request.session[SIGNUP_WORKSPACE_SESSION_KEY] = provisioned.tenant.slug
    # Sends the verification email; with mandatory verification the login waits for it and
    # then resumes to signup_continue (in this browser).
    return complete_signup(request, user=user, redirect_url=reverse("site:signup_continue"))


@require_GET
def slug_check(request: HttpRequest) -> HttpResponse:
    """htmx: whether a workspace address is available, taken or invalid (a small fragment)."""
    slug = request.GET.get("slug", "").strip().lower()[:60]
    if _limited(request, group=RATE_LIMIT_GROUP_SLUG, rate="120/m"):
        return rate_limited(request, message="Too many checks; wait a minute.", retry_after=60)
    if not slug:
        status, message = "empty", ""
    else:
        try:
            slug_validate(slug)
        except ProvisioningError as error:
            status = "taken" if error.code == "slug_taken" else "invalid"
            message = error.message
        else:
            status, message = "available", f"{slug}.{settings.BASE_DOMAIN} is available."
    return TemplateResponse(
        request, "site/_slug_status.html", {"status": status, "message": message, "slug": slug}
    )


@login_required
@require_GET
def signup_continue(request: HttpRequest) -> HttpResponse:
    """After verification (logged in on this host): into the new workspace, once."""
    slug = request.session.pop(SIGNUP_WORKSPACE_SESSION_KEY, None)
    membership = membership_of_user_for_slug(user=request.user, slug=slug) if slug else None
    if membership is None:
        return HttpResponseRedirect(reverse("site:workspaces"))
    return HttpResponseRedirect(
        handoff_url(request, user=request.user, tenant=membership.tenant, is_welcome=True)
    )


@require_GET
def verified(request: HttpRequest) -> HttpResponse:
    """Where an email confirmed in another browser lands (not logged in there)."""
    return TemplateResponse(request, "site/verified.html")


@login_required
@require_GET
def workspaces(request: HttpRequest) -> HttpResponse:
    """The logged-in person's workspaces; each opens through a one-time link."""
    return TemplateResponse(
        request,
        "site/workspaces.html",
        {"memberships": memberships_of_user(user=request.user)},
    )


@login_required
@require_POST
def workspace_open(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_of_user_for_slug(user=request.user, slug=slug)
    if membership is None:
        return TemplateResponse(request, "site/404.html", status=404)
    return HttpResponseRedirect(handoff_url(request, user=request.user, tenant=membership.tenant))


@require_http_methods(["GET", "POST"])
def find_workspace(request: HttpRequest) -> HttpResponse:
    """Emails the list of workspaces of an address to that address. The answer is the same
    whether or not the address has an account (nothing is learnt about who is a customer)."""
    form = FindWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if _limited(
            request, group=RATE_LIMIT_GROUP_FIND, rate=settings.PORTAL_FIND_WORKSPACE_RATE
        ) or _limited(
            request,
            group=RATE_LIMIT_GROUP_FIND,
            rate=settings.PORTAL_FIND_WORKSPACE_RATE,
            key=lambda _group, _request: email,
        ):
            return rate_limited(request, message="Too many requests for workspace lists.")
        memberships = memberships_for_email(email=email)
        if memberships:
            _workspace_list_send(request, email=email, memberships=memberships)
        return TemplateResponse(request, "site/find_workspace_sent.html", {"email": email})
    return TemplateResponse(request, "site/find_workspace.html", {"form": form})


def _workspace_list_send(request: HttpRequest, *, email: str, memberships) -> None:
    workspaces = [
        {
            "name": membership.tenant.name,
            "role": membership.get_role_display(),
            "url": tenant_base_url(request, membership.tenant) + "/",
        }
        for membership in memberships
    ]
    context = {"workspaces": workspaces, "email": email}
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your OpenChance workspaces",
        message=render_to_string("site/email/workspaces.txt", context),
        from_email=None,
        recipient_list=[email],
    )
