"""The sales api's one client of the marketing service: checking that the campaign a lead, an
opportunity or a purchase is attributed to is one the caller may see (``crm_shared.references``,
kind ``campaign``). Marketing's ROI counts what is attributed to a campaign, so a write may not
name a campaign its caller cannot see (issue 15).

The call carries the caller's own token (the suite's client factory forwards it), so the
marketing service applies the caller's rights: a person sees their own campaigns, their
department subtree's, or all (their data scope); the public lead form and an ERP (service
accounts whose scope the contract opens ``GetCampaign`` to) are shown a campaign that has gone
out (running, paused or completed) only, by its id and state. It has a deadline (``MARKETING_TIMEOUT_SECONDS``) and is made before a unit
of work opens; a marketing service that is down or too slow is UNAVAILABLE (nothing changed).
"""

from __future__ import annotations

import threading

import grpc
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_shared.errors import Unavailable
from crm_shared.grpc.client import LazyStub
from crm_shared.references import Referenced

MARKETING_SERVICE = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]
NOT_THE_CALLERS = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                   grpc.StatusCode.INVALID_ARGUMENT)
"""Answers meaning "no campaign of yours": none by that id (or not a valid one), or one the
caller may not see, or a caller the contract does not let look."""


class MarketingClient:
    """The marketing service's calls this service makes, on one shared channel."""

    def __init__(self, address: str, *, timeout_seconds: float) -> None:
        self._marketing = LazyStub(address, MARKETING_SERVICE,
                                   marketing_pb2_grpc.MarketingServiceStub,
                                   default_timeout=timeout_seconds)

    def referenced_campaign(self, campaign_id: str) -> Referenced | None:
        """The campaign look-up of ``crm_shared.references``: the campaign as the caller may
        see it; None when it does not exist or is not the caller's to see."""
        try:
            campaign = self._marketing().GetCampaign(marketing_pb2.GetCampaignRequest(
                id=campaign_id))
        except grpc.RpcError as exc:
            if exc.code() in NOT_THE_CALLERS:
                return None
            raise Unavailable(f"the marketing service could not check campaign {campaign_id} "
                              f"({exc.code().name}); nothing was changed, try again") from exc
        # a cancelled campaign ran for nobody: nothing can be attributed to it
        return Referenced(owner_id=campaign.owner_id, department_path=campaign.department_path,
                          active=campaign.state != marketing_pb2.CAMPAIGN_STATE_CANCELLED,
                          record=campaign)

    def close(self) -> None:
        self._marketing.close()


_CLIENT_LOCK = threading.Lock()


def campaign_lookup(servicer):
    """The servicer's campaign look-up for ``ServiceBinding.references``: UNAVAILABLE when no
    marketing service is configured (a reference is never accepted unchecked)."""

    def lookup(campaign_id: str) -> Referenced | None:
        with _CLIENT_LOCK:
            client = getattr(servicer, "_marketing_client", None)
            address = getattr(servicer.settings, "marketing_addr", "")
            if client is None and address:
                client = MarketingClient(address, timeout_seconds=getattr(
                    servicer.settings, "marketing_timeout_seconds", 5.0))
                servicer._marketing_client = client
        if client is None:
            raise Unavailable("no marketing service is configured (MARKETING_ADDR) to check the "
                              "campaign this write names; nothing was changed")
        return client.referenced_campaign(campaign_id)

    return lookup
