"""A customer timeline entry's title in the reader's language.

The customer service stores each entry's title as an English sentence ("Ticket T1 closed:
Broken") and, beside it, the values the sentence quotes (``TimelineEntry.title_params``:
``number``, ``name``, ``title``…). A page writes the sentence again from those values with a
message id of its own, so a Chinese reader reads Chinese; the values are user data, marked
``translate="no"``. Words the services chose from a fixed list (a follow-up's method, a
call-back's result, a campaign response's kind) are translated like any enum label.

An entry recorded before the service kept the values (its ``title_params`` is empty) shows its
stored title as it is; kinds whose title quotes nothing (``Lead converted``) are phrased
either way.
"""

from __future__ import annotations

from collections.abc import Mapping

from crm.common.v1 import collaborators_pb2
from crm.customer.v1 import customer_pb2
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from markupsafe import Markup

from crm_console.display import enum_word_label
from crm_console.i18n import N_, gettext

KIND_PREFIX = "TIMELINE_ENTRY_KIND_"

# The service's kind name (``ticket_opened``; ``contract_ended:terminated`` when the entry says
# what happened) → its sentences, each with the values it needs: the first one whose values
# are all there is used.
TITLES: dict[str, tuple[tuple[frozenset[str], str], ...]] = {
    "customer_created": ((frozenset({"number"}), N_("Customer %(number)s created")),),
    "owner_changed": (
        (
            frozenset({"previous_owner_id", "owner_id"}),
            N_("Owner changed from %(previous_owner_id)s to %(owner_id)s"),
        ),
        (frozenset({"owner_id"}), N_("Owner set to %(owner_id)s")),
    ),
    "merged": ((frozenset({"merged"}), N_("Merged with %(merged)s")),),
    "collaborator_added": (
        (frozenset({"user_id", "role"}), N_("Collaborator %(user_id)s added as %(role)s")),
        (frozenset({"user_id"}), N_("Collaborator %(user_id)s added")),
    ),
    "collaborator_removed": ((frozenset({"user_id"}), N_("Collaborator %(user_id)s removed")),),
    "follow_up": (
        (frozenset({"method", "topic"}), N_("Follow-up by %(method)s: %(topic)s")),
        (frozenset({"method"}), N_("Follow-up by %(method)s")),
        (frozenset({"topic"}), N_("Follow-up: %(topic)s")),
    ),
    "lead_converted": ((frozenset(), N_("Lead converted")),),
    "opportunity_won": ((frozenset({"name"}), N_("Opportunity won: %(name)s")),),
    "opportunity_lost": ((frozenset({"name"}), N_("Opportunity lost: %(name)s")),),
    "quote_sent": ((frozenset({"number"}), N_("Quote %(number)s sent")),),
    "contract_signed": (
        (frozenset({"number", "title"}), N_("Contract %(number)s signed: %(title)s")),
        (frozenset({"number"}), N_("Contract %(number)s signed")),
    ),
    "contract_ended:ended": ((frozenset({"number"}), N_("Contract %(number)s ended")),),
    "contract_ended:terminated": ((frozenset({"number"}), N_("Contract %(number)s terminated")),),
    "payment_received": ((frozenset(), N_("Payment received")),),
    "purchase": ((frozenset({"order"}), N_("Purchase %(order)s")),),
    "ticket_opened": (
        (frozenset({"number", "title"}), N_("Ticket %(number)s opened: %(title)s")),
        (frozenset({"number"}), N_("Ticket %(number)s opened")),
    ),
    "ticket_resolved": (
        (frozenset({"number", "title"}), N_("Ticket %(number)s resolved: %(title)s")),
        (frozenset({"number"}), N_("Ticket %(number)s resolved")),
    ),
    "ticket_closed": (
        (frozenset({"number", "title"}), N_("Ticket %(number)s closed: %(title)s")),
        (frozenset({"number"}), N_("Ticket %(number)s closed")),
    ),
    "callback": (
        (frozenset({"number", "result"}), N_("Call-back on ticket %(number)s: %(result)s")),
        (frozenset({"number"}), N_("Call-back on ticket %(number)s recorded")),
    ),
    "survey_answered": ((frozenset({"name"}), N_("Survey answered: %(name)s")),),
    "campaign_response": (
        (frozenset({"name", "result"}), N_("Responded to campaign %(name)s: %(result)s")),
        (frozenset({"name"}), N_("Responded to campaign %(name)s")),
    ),
}

# Values the service picked from an enum (its value's name in lower case), by kind and name.
ENUM_WORDS = {
    ("follow_up", "method"): sales_pb2.FollowUpMethod.DESCRIPTOR,
    ("callback", "result"): ticket_pb2.CallbackResult.DESCRIPTOR,
    ("campaign_response", "result"): marketing_pb2.ResponseKind.DESCRIPTOR,
    ("collaborator_added", "role"): collaborators_pb2.CollaboratorRole.DESCRIPTOR,
}


def _value(kind: str, name: str, value: str, owners: Mapping[str, str]) -> Markup:
    enum = ENUM_WORDS.get((kind, name))
    if enum is not None:  # a word of the suite's, not user data
        word = enum_word_label(enum, value)
        return Markup.escape(word.lower() if name == "method" else word)
    if name in ("owner_id", "previous_owner_id", "user_id"):
        value = owners.get(value, value)
    return Markup('<span translate="no">{}</span>').format(value)


def timeline_title(entry, owners: Mapping[str, str]) -> Markup:
    """The entry's title in the reader's language, its quoted values marked as user data."""
    params = {name: value for name, value in entry.title_params.items() if value}
    value = customer_pb2.TimelineEntryKind.DESCRIPTOR.values_by_number.get(entry.kind)
    entry_kind = value.name.removeprefix(KIND_PREFIX).lower() if value else ""
    kind = f"{entry_kind}:{params['what']}" if "what" in params else entry_kind
    for needed, message_id in TITLES.get(kind, ()):
        if needed <= params.keys():
            values = {name: _value(entry_kind, name, params[name], owners) for name in needed}
            return Markup.escape(gettext(message_id)) % values
    return Markup('<span translate="no">{}</span>').format(entry.title)
