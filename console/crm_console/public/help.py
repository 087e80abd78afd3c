"""The help centre for customers (no account): ``/help`` files a service request or complaint,
``/help/status`` shows a filed ticket's state and public replies, ``/help/kb`` searches and
reads the knowledge articles marked public; while a customer describes their problem on
``/help``, matching articles are suggested (``/help/suggest``, htmx) before they send it.

Every page calls the gateway's public routes (``/api/v1/public/...``), which call the ticket
service as the gateway holding only that route's scope. A filed request is created and routed
as an agent's ticket by phone is. The status page needs the number *and* the phone or e-mail
it was filed with, and says the same "not found" whatever was wrong, so it tells no one which
numbers exist; it never shows an internal note or who works on the ticket (the gateway's
answer holds neither).
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

from flask import abort, render_template, request

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.public import PublicBlueprint, gateway
from crm_console.public.abuse import FormFields, client_address, guard
from crm_console.refusals import Refusal

blueprint = PublicBlueprint("public_help", __name__)

TICKETS = "/api/v1/public/tickets"
STATUS = "/api/v1/public/tickets/status"
ARTICLES = "/api/v1/public/kb/articles"
TYPES = {
    "consultation": N_("A question"),
    "complaint": N_("Complaint"),
    "fault": N_("Fault or repair"),
    "demand": N_("Request or suggestion"),
}
STATES = {
    "new": N_("Received by us"),
    "routed": N_("Received, waiting for an agent"),
    "in_progress": N_("Being handled"),
    "waiting_on_customer": N_("Waiting for your reply"),
    "resolved": N_("Resolved, waiting for your confirmation"),
    "confirmed": N_("Resolved"),
    "closed": N_("Closed"),
}
LIMITS = {"description": 5000, "reporter_name": 200, "reporter_phone": 40, "reporter_email": 254}
MAX_QUERY = 200
SUGGESTIONS = 3
MIN_SUGGEST_LENGTH = 4  # characters of a description before articles are looked for
_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"[0-9０-９][0-9０-９ -]{3,}")

PHONE_OR_EMAIL = N_("Give a phone number or an e-mail address.")
NOT_FOUND = N_("No ticket matches this number and phone or e-mail. Check both and try again.")


def _help_page(status: int = 200, **context):
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render_template("public/help.html", types=TYPES, **context), status


@blueprint.route("/help", methods=["GET"])
def help_form():
    guard("help")
    return _help_page(values={"request_id": str(uuid.uuid4())})


@blueprint.route("/help", methods=["POST"])
def file_request():
    posted = request.form
    guard("help", target=(posted.get("reporter_phone") or posted.get("reporter_email") or "")[:254])
    fields = FormFields(posted)
    kind = fields.choice("type", TYPES, required=True)
    body = {
        name: fields.text(name, max_length=limit, required=name == "description")
        for name, limit in LIMITS.items()
    }
    if not (body["reporter_phone"] or body["reporter_email"]):
        fields.errors.setdefault("reporter_phone", _(PHONE_OR_EMAIL))
    if fields.errors:
        return _help_page(422, values=posted, errors=fields.errors)
    request_id = posted.get("request_id", "")
    try:
        uuid.UUID(request_id)
    except ValueError:
        request_id = ""
    try:
        filed = gateway().request(
            "POST",
            TICKETS,
            client_address=client_address(),
            body={"type": kind, "request_id": request_id, **body},
        )
    except Refusal as refusal:
        if refusal.status == 422 and refusal.field_errors:
            errors = {
                name: text
                for name, text in refusal.field_errors.items()
                if name in LIMITS or name == "type"
            }
            return _help_page(
                422, values=posted, errors=errors or {"": _("Some fields need correcting.")}
            )
        raise
    return render_template("public/help_filed.html", number=filed["number"]), 201


@blueprint.route("/help/suggest", methods=["POST"])
def suggest():
    """Articles for the description being typed (htmx posts the form as it changes and swaps
    them in under the field). A POST, so the description never sits in a URL (access logs,
    spans), and only its words are searched: numbers and addresses a customer may have typed
    into it are left out of the search the gateway logs."""
    guard("help-suggest")
    text = _searchable((request.form.get("description") or "")[:MAX_QUERY])
    hits = _search(text, SUGGESTIONS) if len(text) >= MIN_SUGGEST_LENGTH else []
    return render_template("public/help_suggestions.html", hits=hits)


def _searchable(text: str) -> str:
    """``text`` without e-mail addresses and runs of digits (phones, order numbers)."""
    return " ".join(_DIGITS.sub(" ", _EMAIL.sub(" ", text)).split())


def _search(text: str, page_size: int) -> list[dict]:
    try:
        found = gateway().request(
            "GET",
            ARTICLES,
            client_address=client_address(),
            params={"q": text, "page_size": page_size},
        )
    except Refusal as refusal:
        if refusal.status == 422:
            return []
        raise
    return found.get("results", [])


@blueprint.route("/help/status", methods=["GET", "POST"])
def status():
    if request.method == "GET":
        guard("help-status")
        return render_template("public/help_status.html", values={}, errors={}, ticket=None)
    posted = request.form
    guard("help-status", target=(posted.get("number") or "")[:40])
    fields = FormFields(posted)
    number = fields.text("number", max_length=32, required=True)
    contact = fields.text("contact", max_length=254, required=True)
    if fields.errors:
        return render_template(
            "public/help_status.html", values=posted, errors=fields.errors, ticket=None
        ), 422
    try:
        ticket = gateway().request(
            "POST",
            STATUS,
            body={"number": number, "contact": contact},
            client_address=client_address(),
        )
    except Refusal as refusal:
        if refusal.status in (404, 422):  # one answer for every miss: nothing to enumerate
            return render_template(
                "public/help_status.html", values=posted, ticket=None, errors={"": _(NOT_FOUND)}
            ), 404
        raise
    return render_template(
        "public/help_status.html", values={}, errors={}, ticket=ticket, types=TYPES, states=STATES
    )


@blueprint.route("/help/kb", methods=["GET"])
def knowledge_base():
    guard("help-kb")
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    hits = _search(query, 20) if query else []
    return render_template("public/help_kb.html", query=query, hits=hits)


@blueprint.route("/help/kb/<article_id>", methods=["GET"])
def article(article_id: str):
    guard("help-kb")
    if len(article_id) > 64:
        abort(404)
    try:
        found = gateway().request(
            "GET", f"{ARTICLES}/{quote(article_id, safe='')}", client_address=client_address()
        )
    except Refusal as refusal:
        if refusal.status in (404, 422):
            abort(404)
        raise
    paragraphs = [part.strip() for part in found.get("body", "").split("\n\n") if part.strip()]
    return render_template("public/help_article.html", article=found, paragraphs=paragraphs)
