"""REST over gRPC: follow-up records, comments, follow-up tasks and plans, the sales policy."""

from __future__ import annotations


def register(app, deps) -> None:
    """Adds this module's routes to the app (filled in by the work on this part)."""
