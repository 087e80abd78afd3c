"""A lead's phone and e-mail: checked, and normalised into the keys duplicates are found by.

Pure: no I/O. Two leads are duplicates when their normalised phones or e-mails are equal, so
``138 1234 5678``, ``+86 138-1234-5678`` and ``008613812345678`` are one phone, and
``Li.Lei+expo@Gmail.com`` and ``lilei@gmail.com`` one mailbox.
"""

from __future__ import annotations

import re

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SEPARATORS = re.compile(r"[\s\-().]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
# Providers that ignore dots in the local part; everywhere else a dot is significant.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def normalise_phone(raw: str) -> str | None:
    """The phone in E.164 (``+8613812345678``), or None when it is not an 11-digit mainland
    mobile number or an E.164 number (separators, a ``0086``/``86`` prefix allowed)."""
    text = SEPARATORS.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    if MAINLAND_MOBILE.match(text):
        return "+86" + text
    if text.startswith("86") and MAINLAND_MOBILE.match(text[2:]):
        return "+" + text
    if not E164.match(text):
        return None
    if text.startswith("+86") and not MAINLAND_MOBILE.match(text[3:]):
        return None  # a +86 number must be a mainland mobile: leads are called back
    return text


def normalise_email(raw: str) -> str | None:
    """The mailbox in lower case without a ``+tag`` (and without dots where the provider
    ignores them), or None when it is not an e-mail address."""
    text = raw.strip().lower()
    if not EMAIL.match(text):
        return None
    local, domain = text.rsplit("@", 1)
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    if not local:
        return None
    return f"{local}@{domain}"
