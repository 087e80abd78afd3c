"""The web-to-lead form: ``/forms/lead``, a page a company links to or embeds in its website
(an ``<iframe>``), opened with its campaign's parameters (``?utm_source=…&utm_medium=…&
utm_campaign=…&campaign_id=…``), which the form carries along hidden.

The lead goes through the gateway's public route (``POST /api/v1/public/leads``), the one a
website calls from its own server, so it is created, graded and assigned exactly as any lead
(source ``website_form``). The visitor sees a confirmation and nothing of the CRM: a duplicate
of an earlier lead answers the same.

Framing: only the sites listed in ``PUBLIC_LEAD_FORM_FRAME_ANCESTORS`` may embed the page (its
CSP ``frame-ancestors``); with none listed, no site may ('none', as every other page).
A cross-site frame gets no first-party cookie (the console's session cookie is SameSite=Lax),
so this form cannot rely on the console's cookie-bound CSRF token: it carries a signed,
time-limited form token instead (:func:`form_token`), which proves the post comes from a form
this console served recently. There is no session for a forged post to ride on, so that is
what CSRF protection means here.
"""

from __future__ import annotations

import re
import uuid

from crm_shared.lead_intake import TRACKING
from flask import current_app, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.public import PublicBlueprint, gateway, settings
from crm_console.public.abuse import FormFields, client_address, csrf_exempt, guard
from crm_console.refusals import Refusal

blueprint = PublicBlueprint("public_lead_form", __name__)

LEADS = "/api/v1/public/leads"
FORM_TOKEN_MAX_AGE = 4 * 3600  # a visitor may take their time; a day-old form is reloaded
FORM_TOKEN_SALT = "crm-console-public-lead-form"
LIMITS = {
    "contact_name": 200,
    "company_name": 300,
    "job_title": 100,
    "phone": 40,
    "email": 254,
    "need_description": 2000,
}
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")

NAME_OR_COMPANY = N_("Give your name or your company's.")
PHONE_OR_EMAIL = N_("Give a phone number or an e-mail address.")
EXPIRED = N_("This form has expired. Reload the page and try again.")


def frame_ancestors() -> str:
    """The CSP ``frame-ancestors`` of this page: the listed sites, else ``'none'``."""
    sites = [
        site for site in settings().public_lead_form_frame_ancestors.split() if _ORIGIN.match(site)
    ]
    return " ".join(sites) if sites else "'none'"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=FORM_TOKEN_SALT)


def form_token() -> str:
    """A new form's token; its id doubles as the lead's idempotency key (a form sent twice,
    one lead)."""
    return _serializer().dumps(str(uuid.uuid4()))


def _form_id(token: str) -> str | None:
    try:
        return _serializer().loads(token, max_age=FORM_TOKEN_MAX_AGE)
    except BadSignature:  # also SignatureExpired
        return None


def _tracking(source) -> dict[str, str]:
    """The tracking fields (``crm_shared.lead_intake.TRACKING``, as the gateway takes them)
    the form was opened or posted with, each cut to its length."""
    return {
        key: (source.get(key) or "").strip()[: field.max_length]
        for key, field in TRACKING.items()
        if (source.get(key) or "").strip()
    }


def _page(template: str, status: int = 200, **context):
    """The page with this form's CSP: the console's, framed only by the listed sites. Their
    X-Frame-Options is left out (crm_shared.security_headers), as it cannot list sites."""
    from crm_console.app import CONTENT_SECURITY_POLICY  # the app's policy, declared once

    policy = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors {frame_ancestors()}"
    )
    return render_template(template, **context), status, {"Content-Security-Policy": policy}


@blueprint.route("/forms/lead", methods=["GET"])
def lead_form():
    guard("lead-form")
    tracking = _tracking(request.args)
    if request.referrer and "landing_page" not in tracking:  # the site page that embeds it
        tracking["landing_page"] = request.referrer[: TRACKING["landing_page"].max_length]
    return _page(
        "public/lead_form.html", values={}, errors={}, tracking=tracking, token=form_token()
    )


@blueprint.route("/forms/lead", methods=["POST"])
@csrf_exempt  # the signed form token is this form's CSRF check (see the module docstring)
def submit_lead():
    posted = request.form
    guard("lead-form", target=(posted.get("phone") or posted.get("email") or "")[:254])
    tracking = _tracking(posted)
    form_id = _form_id(posted.get("form_token") or "")
    if form_id is None:
        return _page(
            "public/lead_form.html",
            400,
            values=posted,
            tracking=tracking,
            errors={"": _(EXPIRED)},
            token=form_token(),
        )
    fields = FormFields(posted)
    body = {name: fields.text(name, max_length=limit) for name, limit in LIMITS.items()}
    if not (body["contact_name"] or body["company_name"]):
        fields.errors.setdefault("contact_name", _(NAME_OR_COMPANY))
    if not (body["phone"] or body["email"]):
        fields.errors.setdefault("phone", _(PHONE_OR_EMAIL))
    if fields.errors:
        return _page(
            "public/lead_form.html",
            422,
            values=posted,
            tracking=tracking,
            errors=fields.errors,
            token=posted.get("form_token"),
        )
    body.update(tracking)
    body["request_id"] = form_id
    try:
        gateway().request("POST", LEADS, body=body, client_address=client_address())
    except Refusal as refusal:
        if refusal.status == 422 and refusal.field_errors:
            errors = {name: text for name, text in refusal.field_errors.items() if name in LIMITS}
            errors = errors or {"": _("Some fields need correcting.")}
            return _page(
                "public/lead_form.html",
                422,
                values=posted,
                tracking=tracking,
                errors=errors,
                token=posted.get("form_token"),
            )
        raise
    return _page("public/lead_form_thanks.html")
