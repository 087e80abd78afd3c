"""REST over gRPC: leads, lead rules, reps and conversion (/api/v1/leads, /api/v1/sales/...)."""

from __future__ import annotations


def register(app, deps) -> None:
    """Adds this module's routes to the app (filled in by the work on this part)."""
