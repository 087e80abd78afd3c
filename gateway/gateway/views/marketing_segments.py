"""REST over gRPC: segments and marketing profiles (/api/v1/segments)."""

from __future__ import annotations


def register(app, deps) -> None:
    """Adds this module's routes to the app (filled in by the work on this part)."""
