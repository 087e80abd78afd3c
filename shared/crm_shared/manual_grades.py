"""How a grade set by hand records its reason, declared once.

A lead's (and a prospect's) ``grade_reason`` is free text from the service; when a person set
the grade, it is the person's words after :data:`PREFIX`. The sales service writes it; the
console takes the words back out to phrase "set by hand" in the reader's language instead of
showing the service's English.
"""

from __future__ import annotations

PREFIX = "set by hand: "


def reason(words: str) -> str:
    """The stored reason for a grade a person set, giving ``words`` as their reason."""
    return f"{PREFIX}{words.strip()}"


def words_of(stored: str) -> str | None:
    """The person's words in a stored reason, or None when a person did not set the grade."""
    return stored[len(PREFIX):] if stored.startswith(PREFIX) else None
