"""What telemetry may say about a request: personal data and secrets are redacted from spans
and logs.

Spans and log lines are read by operators and kept by tracing back-ends that are not built
to hold a customer's personal data, so three rules apply everywhere, each declared once here:

- **A URL's query** shows the values of the parameters in :data:`SHOWN_QUERY_PARAMETERS`
  (how a list is paged, sorted and filtered by state or kind) and of those named ``*_id`` /
  ``*_ids`` (opaque record ids); every other value — a search term, a phone, an e-mail — is
  replaced by :data:`REDACTED`, its name kept so the query's shape stays readable.
- **A URL's path**, when its route is known, shows its template with each variable's value
  filled in only when it is an opaque id (an integer or a UUID); any other value (a signed
  survey token, a phone in a path) stays ``<name>``. A path no route matched is only scrubbed.
- **Any text** (a log line, a span's attribute or status) is scrubbed of anything shaped like
  a phone number, an e-mail address, an ID-card or a bank account number
  (:data:`PERSONAL_VALUE`): the last line of defence for what the rules above do not know,
  such as an exception's message or a SQL error repeating its parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

REDACTED = "[redacted]"

SHOWN_QUERY_PARAMETERS = frozenset(
    {
        "page_size",
        "page_token",
        "order_by",
        "order",
        "view",
        "columns",
        "lang",
        "locale",
        "state",
        "status",
        "type",
        "kind",
        "kinds",
        "channel",
        "stage",
        "lifecycle_stages",
        "priority",
        "grade",
        "value_class",
        "value_classes",
        "source",
        "category",
        "visibility",
        "period",
        "granularity",
        "group_by",
        "group_by_department",
        "department",
        "department_path",
        "target_department_path",
        "active",
        "enabled",
        "include_inactive",
        "include_voided",
        "unread_only",
        "low_score_only",
        "at_risk",
        "sla_breached",
        "has_duplicates",
        "first_contact_overdue",
        "reveal_sensitive",
        "access_purpose",
        "created_after",
        "created_before",
        "start_date",
        "end_date",
        "as_of_date",
    }
)
"""Query parameters whose values are shown: they say how a list is cut, never who is sought."""

# Boundaries: no ASCII letter or digit next to the value, so hex ids, UUIDs and version
# strings are left alone while a number written right after Chinese text is still found.
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
PERSONAL_VALUE = re.compile(
    "|".join(
        (
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",  # e-mail
            _B + r"(?:\+?86[\- ]?)?1[3-9]\d[\- ]?\d{4}[\- ]?\d{4}" + _E,  # mainland mobile
            r"\+\d{8,15}" + _E,  # any E.164 number
            _B + r"\d{17}[Xx]" + _E,  # ID card ending in X (all-digit ones are long numbers)
            _B + r"\d{12,30}" + _E,  # bank account, ID card (15 or 18 digits), card number
            _B + r"\d{4}(?: \d{4}){2,6}(?: \d{1,4})?" + _E,  # a card number written in groups
        )
    )
)
"""Text shaped like a phone number, e-mail address, ID-card or bank account number."""

_OPAQUE_ID = re.compile(
    r"^(?:\d{1,9}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
_ROUTE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


def scrub(text: str) -> str:
    """``text`` with every phone, e-mail, ID-card or bank number replaced by :data:`REDACTED`."""
    return PERSONAL_VALUE.sub(REDACTED, text) if text else text


def redact_query(query: str) -> str:
    """A query string with only the values :data:`SHOWN_QUERY_PARAMETERS` (and ids) allow."""
    if not query:
        return query
    parts = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        shown = name in SHOWN_QUERY_PARAMETERS or name.endswith(("_id", "_ids"))
        parts.append(f"{quote(name)}={quote(scrub(value), safe='') if shown else REDACTED}")
    return "&".join(parts)


def redact_path(path: str, route: str | None) -> str:
    """The path as its route template, with the values of id variables filled in.

    Without a route (nothing matched) or when the path does not line up with the template
    segment by segment (a ``path:`` variable), only :func:`scrub` applies, or the template.
    """
    if not route:
        return scrub(path)
    template, actual = route.split("/"), path.split("/")
    if len(template) != len(actual):
        return route
    segments = []
    for pattern, value in zip(template, actual):
        variable = _ROUTE_VARIABLE.fullmatch(pattern)
        if variable and not _OPAQUE_ID.match(value):
            segments.append(f"<{variable.group(1)}>")
        else:
            segments.append(value if variable else pattern)
    return "/".join(segments)


def redact_target(target: str, route: str | None) -> str:
    """A request target (``path?query``) or a whole URL, redacted by the rules above."""
    parts = urlsplit(target)
    return urlunsplit(
        parts._replace(
            netloc=parts.netloc.rpartition("@")[2],
            path=redact_path(parts.path, route),
            query=redact_query(parts.query),
            fragment="",
        )
    )


URL_ATTRIBUTES = {
    "http.target": redact_target,
    "http.url": redact_target,
    "url.full": redact_target,
    "url.path": redact_path,
    "url.query": lambda query, _route: redact_query(query),
}
"""Span attributes holding (part of) a request's URL, and how each is redacted; the rest of a
span's text is only scrubbed."""


def redact_attributes(attributes: Mapping[str, object]) -> dict[str, object]:
    """A span's attributes with URLs redacted (using its ``http.route``) and all text scrubbed."""
    route = attributes.get("http.route")
    route = route if isinstance(route, str) else None
    redacted: dict[str, object] = {}
    for key, value in attributes.items():
        if isinstance(value, str):
            rule = URL_ATTRIBUTES.get(key)
            value = rule(value, route) if rule else scrub(value)
        elif isinstance(value, (tuple, list)):
            value = type(value)(scrub(v) if isinstance(v, str) else v for v in value)
        redacted[key] = value
    return redacted
