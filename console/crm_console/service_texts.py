"""The services' English texts in the reader's language.

A refusal carries the service's own words: a message for the whole call and, for bad input,
one description per field. The services write them in English (``crm_shared.errors``; the
descriptions are free text, there is no code per violation), so a Chinese page translates
them here, once, when the :class:`~crm_console.refusals.Refusal` is made:

1. an English page shows the service's text as it is (it is already the reader's language);
2. a text the catalogs know word for word (any ``.po`` of the console) is translated;
3. a text of a known family (``must be at most 200 characters``, ``must be A, B or C``, …) is
   translated with its values (:data:`FIELD_TEXTS`, :data:`MESSAGE_TEXTS`); a call's message
   is also translated by its ``ErrorInfo`` reason (:data:`REASON_TEXTS`);
4. anything else is a plain sentence for the status (:data:`STATUS_TITLES`) or, next to a
   field, :data:`UNKNOWN_FIELD_TEXT`: never raw English on a Chinese page.
"""

from __future__ import annotations

import re

from crm_console.i18n import N_, current_language, gettext, translations

# The language the services write in: its pages show their texts unchanged.
SERVICE_LANGUAGE = "en-US"

# What a person reads for each status (message ids).
STATUS_TITLES = {
    400: N_("The request could not be understood."),
    401: N_("Please sign in again."),
    403: N_("You do not have access to this."),
    404: N_("Not found, or not visible to you."),
    409: N_("This cannot be done in the record's current state."),
    422: N_("Some fields need correcting."),
    429: N_("Too many requests. Wait a moment and try again."),
    503: N_("A service is not available right now. Try again shortly."),
    504: N_("A service took too long to answer. Try again shortly."),
}
UNEXPECTED_TITLE = N_("Something went wrong. Try again later.")
UNKNOWN_FIELD_TEXT = N_("This value is not accepted; check it and try again.")

# ErrorInfo reasons the services give a refusal (crm_shared.errors and the services' own).
REASON_TEXTS = {
    "CONFLICT": N_("Someone else changed the record meanwhile. Reload it and try again."),
    "ILLEGAL_TRANSITION": N_("This cannot be done in the record's current state."),
    "LEAD_CLOSED": N_("The lead is closed: it cannot be changed any more."),
    "FOLLOW_UP_TASK_NOT_OPEN": N_("The follow-up task is no longer open."),
    "CALLBACK_TASK_NOT_OPEN": N_("The call-back task is no longer open."),
    "NO_ASSIGNMENT_RULE": N_("No assignment rule applies to this lead; choose the assignee."),
    "SEGMENT_IN_USE": N_("The segment is the audience of running campaigns."),
    "CAMPAIGN_FIELD_FROZEN": N_("These fields of the campaign can no longer change."),
    "CAMPAIGN_ENDED": N_("The campaign ended before it could launch; change its end time first."),
    "DEFAULT_CALENDAR": N_("The default calendar cannot be deleted."),
}


def _family(pattern: str, message_id: str) -> tuple[re.Pattern, str]:
    return re.compile(pattern), message_id


# Field descriptions by family: the pattern (matched whole) → the message id, whose
# %(name)s placeholders are the pattern's named groups. Found by grepping the services'
# FieldViolation texts; a group named ``values`` is a list of words ("A, B or C").
FIELD_TEXTS = [
    # an attachment (crm_shared.attachments.intake)
    _family(
        r"must be an image \(JPEG, PNG, GIF, WebP\), a PDF or an Office document; "
        r"this file is (?P<kind>.+)",
        N_("must be an image (JPEG, PNG, GIF, WebP), a PDF or an Office document; "
           "this file is %(kind)s"),
    ),
    _family(r"must be at most (?P<n>\d+) MiB", N_("must be at most %(n)s MB")),
    _family(r"is not a readable image", N_("is not a readable image")),
    _family(r"must be a file name, without a folder", N_("must be a file name, without a folder")),
    _family(r"is required\b.*", N_("is required")),
    _family(r"must be at most (?P<n>\d+) characters\b.*", N_("must be at most %(n)s characters")),
    _family(
        r"must be (?:1|between 1) (?:to|and) (?P<n>\d+) characters",
        N_("must be at most %(n)s characters"),
    ),
    _family(r"must not be negative", N_("must not be negative")),
    _family(r"must be positive", N_("must be positive")),
    _family(r"must be a whole number", N_("must be a whole number")),
    _family(r"must be (?:a|an) (?:positive )?decimal.*", N_("must be a number")),
    _family(
        r"must be (?:between|from) (?P<low>-?[\d.]+) (?:and|to) (?P<high>-?[\d.]+)",
        N_("must be between %(low)s and %(high)s"),
    ),
    _family(r"must be (?:at most|1 to|1\.\.) ?(?P<n>\d+) days", N_("must be at most %(n)s days")),
    _family(
        r"(?:needs start_date and end_date as )?(?:must be )?a date YYYY-MM-DD|"
        r"needs start_date and end_date as YYYY-MM-DD|must be a date YYYY-MM-DD",
        N_("must be a date YYYY-MM-DD"),
    ),
    _family(r"must be HH:MM.*", N_("must be a time HH:MM")),
    _family(r"must not be in the future", N_("must not be in the future")),
    _family(r"must be in the future", N_("must be in the future")),
    _family(r"must not be in the past", N_("must not be in the past")),
    _family(r"must not be before (?P<other>[a-z_]+)", N_("must not be before %(other)s")),
    _family(r"is before (?P<other>[a-z_]+)", N_("must not be before %(other)s")),
    _family(r"must be after (?P<other>[a-z_]+)", N_("must be after %(other)s")),
    _family(
        r"`?(?P<path>[\w.]+)`? cannot be (?:updated|changed)", N_("%(path)s cannot be changed")
    ),
    _family(r"cannot be changed", N_("cannot be changed")),
    _family(
        r"(?:must name the fields to change|names no field to change)",
        N_("must name the fields to change"),
    ),
    _family(
        r"is not (?:an e-mail address|a valid email address)", N_("is not a valid email address")
    ),
    _family(
        r"(?:must be an 11-digit mainland mobile.*|is not a phone number|"
        r"is not an E\.164 phone|must be E\.164.*)",
        N_("must be an 11-digit mainland mobile number or an E.164 number (+...)"),
    ),
    _family(r"must be a UUID|is not an? [a-z ]+ id", N_("must be a UUID")),
    _family(
        r"must be an ISO 4217 code.*|must be a currency code.*",
        N_("must be an ISO 4217 code such as CNY"),
    ),
    _family(
        r"must (?:be|look like) (?:a )?(?:department )?path (?:like|such as) "
        r"(?P<example>/[\w/]+).*",
        N_("must be a department path such as %(example)s"),
    ),
    _family(
        r"(?:must be an IANA time zone.*|is not an IANA time zone)",
        N_("must be an IANA time zone such as Asia/Shanghai"),
    ),
    _family(r"(?:appears|is listed|is answered) twice", N_("appears twice")),
    _family(
        r"(?:holds an? (?:unspecified|unknown) \w+|is not an? known [\w -]+|"
        r"is not an? (?:value class|lifecycle stage|channel|decision role|segment kind|"
        r"priority|stage|satisfaction source|timeline entry kind|opportunity stage))",
        N_("is not a known value"),
    ),
    _family(r"must be one of (?P<values>.+)", N_("must be one of: %(values)s")),
    _family(
        r"must be (?P<values>[\w-]+(?:, [\w-]+)*,? or [\w-]+)", N_("must be one of: %(values)s")
    ),
    _family(
        r"(?:must list|give) at most (?P<n>\d+)\b.*|at most (?P<m>\d+) (?:per call|keywords)",
        N_("lists too many items"),
    ),
    _family(r"is not an? (?:customer|ticket) you can see", N_("is not a record you can see")),
    _family(
        r"(?:no such \w+|is not an active (?:employee|sales rep))",
        N_("does not exist or is not active"),
    ),
    _family(
        r"must be (?P<low>\d+)(?: \((?:none|never|no limit)\))? (?:to|or at most) (?P<high>\d+) days",
        N_("must be %(low)s to %(high)s days"),
    ),
    _family(
        r"must be (?:the contract's currency )?(?P<values>[A-Z]{3})",
        N_("must be one of: %(values)s"),
    ),
    _family(r"must (?:hold|list) at least one \w+", N_("must list at least one item")),
    _family(r"must hold at most (?P<n>\d+)\b.*", N_("lists too many items")),
    _family(
        r"(?:is an? (?:task|follow-up record|opportunity) (?:about|of) another customer(?: or lead)?|"
        r"is a quote of another opportunity|is not the opportunity's customer|"
        r"is not a contact of (?:this|the same) customer)",
        N_("belongs to another record"),
    ),
    _family(r"does not apply to \w+ customers", N_("does not apply to this type of customer")),
    _family(
        r"one of (?P<one>\w+) and (?P<other>\w+) is required|"
        r"either (?P<either>\w+) or (?P<or_>\w+) is required",
        N_("one of the two fields is required"),
    ),
    _family(
        r"needs (?:a )?start_date and (?:an )?end_date.*", N_("needs a start date and an end date")
    ),
    _family(
        r"must be a lower[-_](?:snake_)?case (?:name|key).*|must be a short key.*",
        N_("must be a short lower-case key of letters, digits and _"),
    ),
    _family(r"must be enterprise or individual", N_("must be enterprise or individual")),
    _family(r"has a wrong check digit", N_("has a wrong check digit")),
    _family(r"must be 12-30 digits", N_("must be 12-30 digits")),
    _family(r"is not a tag of the catalogue", N_("is not a tag of the catalogue")),
    _family(
        r"is not supported by this version of the service",
        N_("is not supported by this version of the service"),
    ),
    _family(
        r"public holidays of (?P<year>\d+) are not known \(known: (?P<first>\d+)–(?P<last>\d+)\).*",
        N_("the public holidays of %(year)s are not published yet (known: %(first)s–%(last)s)"),
    ),
]

# A call's message by family, where its reason says nothing more than the status.
MESSAGE_TEXTS = [
    _family(
        r".*\bchanged (?:since it was read|by someone else meanwhile|meanwhile|"
        r"concurrently)\b.*",
        REASON_TEXTS["CONFLICT"],
    ),
    _family(r".*\bnot found\b.*", STATUS_TITLES[404]),
]


def _words(values: str) -> str:
    """ "A, B or C" → "A、B、C" in a Chinese sentence (the words themselves are API values)."""
    return "、".join(word.strip() for word in re.split(r",\s*|\s+or\s+", values) if word.strip())


def _known(text: str, families) -> str | None:
    catalog = translations().gettext(text)
    if catalog != text:
        return catalog
    for pattern, message_id in families:
        match = pattern.fullmatch(text)
        if match:
            values = {k: v for k, v in match.groupdict().items() if v is not None}
            if "values" in values:
                values["values"] = _words(values["values"])
            return gettext(message_id, **values)
    return None


def field_text(description: str) -> str:
    """What the reader sees next to a field the service refused with ``description``."""
    if current_language() == SERVICE_LANGUAGE:
        return description
    return _known(description, FIELD_TEXTS) or gettext(UNKNOWN_FIELD_TEXT)


def status_title(status: int) -> str:
    """The message id of a plain sentence for ``status``."""
    return STATUS_TITLES.get(status, UNEXPECTED_TITLE)


def message_text(status: int, message: str, reason: str = "") -> str:
    """What the reader sees of a refusal's message: the service's words in the reader's
    language where they are known, else the plain sentence for its status."""
    if current_language() == SERVICE_LANGUAGE:
        return message
    if reason in REASON_TEXTS:
        return gettext(REASON_TEXTS[reason])
    known = _known(message, MESSAGE_TEXTS) if message else None
    return known or gettext(status_title(status))
