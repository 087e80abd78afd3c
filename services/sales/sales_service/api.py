"""gRPC api of ``crm.sales.v1.SalesService``: translation between proto and domain.

The servicer is one class with the RPCs of each part of the sales process mixed in from its
own module: leads (:mod:`sales_service.api_leads`), deals (:mod:`sales_service.api_deals`), approvals
(:mod:`sales_service.api_approvals`) and
activities and follow-ups (:mod:`sales_service.api_activities`) and targets
(:mod:`sales_service.api_targets`). Every method opens one unit of
work: the change and its event (outbox) commit together. A record the caller may not see is
NOT_FOUND, exactly as if it did not exist. A write that names a customer (a lead's, an
opportunity's, a contract's, a purchase's, a conversion's existing customer) is checked first,
with the caller's token, against the customer service (``crm_shared.references``): one the
caller may not see is INVALID_ARGUMENT on that field and nothing is stored.
"""

from __future__ import annotations

import random

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.attachments import store_from_settings
from crm_shared.db import Database
from crm_shared.grpc.server import ServiceBinding
from crm_shared.references import ACTIVITY, CAMPAIGN
from crm_shared.settings import ApiSettings

from sales_service.api_activities import ActivityRpcs
from sales_service.api_approvals import ApprovalRpcs
from sales_service.api_attachments import AttachmentRpcs
from sales_service.api_churn import ChurnRpcs
from sales_service.api_deals import DealRpcs
from sales_service.api_leads import LeadRpcs
from sales_service.api_targets import TargetRpcs
from sales_service.customer_client import referenced_lookups
from sales_service.marketing_client import campaign_lookup
from sales_service.opportunity_collaborators import OpportunityCollaboratorRpcs


class SalesServicer(LeadRpcs, DealRpcs, ActivityRpcs, ApprovalRpcs, TargetRpcs,
                    OpportunityCollaboratorRpcs, ChurnRpcs, AttachmentRpcs,
                    sales_pb2_grpc.SalesServiceServicer):
    def __init__(self, database: Database, settings: ApiSettings | None = None, *,
                 rng: random.Random | None = None) -> None:
        self.database = database
        self.settings = settings
        self.rng = rng or random.Random()
        """Breaks assignment ties; tests pass a seeded one."""


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    servicer = SalesServicer(database, settings)
    # Where attachment bytes live: the settings' store (SalesApiSettings), else the
    # environment's (ATTACHMENT_STORE..., the local folder by default).
    servicer.attachment_store = store_from_settings(settings)
    return [
        ServiceBinding(
            descriptor=sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
            servicer=servicer,
            add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server,
            # the customers, contacts and campaigns its writes name (crm_shared.references),
            # asked with the caller's token; a follow-up record being changed is looked up here
            # (its customer, for a new contact)
            references={**referenced_lookups(servicer), ACTIVITY: servicer.referenced_activity,
                        CAMPAIGN: campaign_lookup(servicer)},
        )
    ]
