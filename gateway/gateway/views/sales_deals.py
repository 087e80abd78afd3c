"""REST over gRPC: opportunities, quotes, contracts, payments and the deal reports."""

from __future__ import annotations


def register(app, deps) -> None:
    """Adds this module's routes to the app (filled in by the work on this part)."""
