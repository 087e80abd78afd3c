"""REST over gRPC: campaigns, recipients, responses, ROI and the marketing policy (/api/v1/campaigns)."""

from __future__ import annotations


def register(app, deps) -> None:
    """Adds this module's routes to the app (filled in by the work on this part)."""
