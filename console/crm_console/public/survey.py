"""The survey form a customer opens from the link in a survey e-mail or SMS: ``/s/<token>``.

The link's token is the customer's whole authority. The page reads the form and sends the
answer through the gateway's public survey route (``/api/v1/surveys/respond/<token>``), the
same one integrators call, so an answer given here lands exactly as one through the API:
the customer's portrait, the KPIs, the low-score follow-up. Service (after a ticket) and
relationship (periodic) surveys use the same page; the questions decide what it shows.

What the visitor reads, and nothing more: the company's name, the survey's questions, a
thank-you; "already answered" for a used link; for a link that is not genuine or has expired,
one sentence that does not say which (the gateway answers 404 for both).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import render_template, request

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.public import PublicBlueprint, gateway
from crm_console.public.abuse import FormFields, client_address, guard
from crm_console.refusals import Refusal

blueprint = PublicBlueprint("public_survey", __name__)

RESPOND = "/api/v1/surveys/respond/"
MAX_TOKEN_LENGTH = 300  # the gateway's limit; longer is no link of ours
MAX_TEXT = 2000  # a text answer (the contract's limit)
MAX_COMMENT = 4000
MAX_BODY = 256 * 1024  # twenty text answers of Chinese, URL-encoded
RATING, NPS, TEXT, CHOICE = "rating_1_to_5", "nps_0_to_10", "text", "single_choice"
SCALES = {RATING: range(1, 6), NPS: range(11)}

LINK_NOT_VALID = N_("This survey link is not valid or has expired.")
ALREADY_ANSWERED = N_("This survey has already been answered. Thank you.")
CLOSED = N_("This survey is closed.")


def _path(token: str) -> str:
    return RESPOND + quote(token, safe="")


def _form(token: str) -> dict:
    return gateway().request("GET", _path(token), client_address=client_address())


def _notice(message: str, status: int):
    return render_template("public/survey_notice.html", message=message), status


def _refused(refusal: Refusal, token: str):
    """The page for a refusal of the gateway: plain words, nothing of the service's."""
    if refusal.status in (404, 422):  # not genuine, expired, malformed: one answer for all
        return _notice(LINK_NOT_VALID, 404)
    if refusal.status == 409:  # answered meanwhile, or closed
        try:
            answered = _form(token).get("answered")
        except Refusal:
            answered = False
        return _notice(ALREADY_ANSWERED if answered else CLOSED, 409)
    raise refusal  # 429, 503...: the public error page


@blueprint.route("/s/<token>", methods=["GET", "POST"])
def survey(token: str):
    if request.method == "POST":  # a read changes nothing and a token cannot be guessed
        guard("survey", target=token, max_body=MAX_BODY)
    if len(token) > MAX_TOKEN_LENGTH:
        return _notice(LINK_NOT_VALID, 404)
    try:
        form = _form(token)
    except Refusal as refusal:
        return _refused(refusal, token)
    if form.get("answered"):
        return _notice(ALREADY_ANSWERED, 409 if request.method == "POST" else 200)
    if request.method == "GET":
        return render_template("public/survey.html", form=form, values={}, errors={})

    answers, comment, errors = read_answers(form["questions"], request.form)
    if errors:
        return render_template(
            "public/survey.html", form=form, values=request.form, errors=errors
        ), 422
    try:
        gateway().request(
            "POST",
            _path(token),
            body={"answers": answers, "comment": comment},
            client_address=client_address(),
        )
    except Refusal as refusal:
        if refusal.status == 422 and refusal.field_errors:
            return render_template(
                "public/survey.html",
                form=form,
                values=request.form,
                errors={"": _("Some answers could not be accepted.")},
            ), 422
        return _refused(refusal, token)
    return render_template("public/survey_thanks.html", form=form), 201


def read_answers(questions: list[dict], posted) -> tuple[list[dict], str, dict[str, str]]:
    """The answers of the posted form (fields ``q-<question id>``, ``comment``) as the
    gateway takes them, and the error of each field (keyed by its name) the customer must fix:
    a required question left out, a score off its scale, a choice not offered, a text too long.
    """
    fields = FormFields(posted)
    answers = []
    for question in questions:
        name = f"q-{question['id']}"
        kind, required = question.get("type"), bool(question.get("required"))
        if kind in SCALES:
            raw = fields.choice(name, {str(n) for n in SCALES[kind]}, required=required)
            if raw:
                answers.append({"question_id": question["id"], "score": int(raw)})
        elif kind == CHOICE:
            choice = fields.choice(name, set(question.get("options") or ()), required=required)
            if choice:
                answers.append({"question_id": question["id"], "choice": choice})
        elif kind == TEXT:
            text = fields.text(name, max_length=MAX_TEXT, required=required)
            if text:
                answers.append({"question_id": question["id"], "text": text})
    comment = fields.text("comment", max_length=MAX_COMMENT)
    return answers, comment, fields.errors
