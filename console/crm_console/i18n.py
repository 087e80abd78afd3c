"""Languages: zh-CN first, English complete.

Message ids are English; ``translations/zh_CN/*.po`` (one catalog per area of the console,
merged at start) give the Chinese. The catalogs are compiled in memory when the app is built,
so the image needs no build step and no writable folder. A test checks that every message the
templates and views use has a translation.

The language of a request: the ``lang`` the user picked (switcher), else the signed-in user's
profile locale, else the browser's ``Accept-Language``; zh-CN when nothing matches.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import g, has_request_context

CATALOG_DIR = Path(__file__).parent / "translations"
# The console's languages (the profile's locale words) → Babel's locale.
LANGUAGES = {"zh-CN": "zh_Hans_CN", "en-US": "en_US"}
DEFAULT_LANGUAGE = "zh-CN"
# Accept-Language tags → our language.
_ACCEPTED = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh-hans": "zh-CN", "zh-hans-cn": "zh-CN",
             "zh-sg": "zh-CN", "en": "en-US", "en-us": "en-US", "en-gb": "en-US"}


def load_catalogs(directory: Path = CATALOG_DIR) -> dict[str, NullTranslations]:
    """Every language's translations; English is the message ids themselves."""
    merged = Translations()
    for po_path in sorted((directory / "zh_CN").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale="zh_CN")
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        merged.merge(Translations(fp=buffer))
    # A bare Translations keeps English's two plural forms; Chinese has one.
    merged.plural = lambda n: 0
    return {"zh-CN": merged, "en-US": NullTranslations()}


def match_language(accept_language) -> str:
    """The best of our languages for an ``Accept-Language`` header (werkzeug's accept object)."""
    for tag, _quality in accept_language:
        language = _ACCEPTED.get(tag.lower()) or _ACCEPTED.get(tag.lower().split("-")[0])
        if language:
            return language
    return DEFAULT_LANGUAGE


def normalise(language: str | None) -> str | None:
    if not language:
        return None
    return language if language in LANGUAGES else _ACCEPTED.get(language.lower())


def current_language() -> str:
    return getattr(g, "language", DEFAULT_LANGUAGE) if has_request_context() else DEFAULT_LANGUAGE


def babel_locale() -> Locale:
    return Locale.parse(LANGUAGES[current_language()])


def translations() -> NullTranslations:
    if has_request_context() and getattr(g, "translations", None) is not None:
        return g.translations
    return NullTranslations()


def gettext(message: str, **variables) -> str:
    text = translations().gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, count: int, **variables) -> str:
    text = translations().ngettext(singular, plural, count)
    variables.setdefault("num", count)
    return text % variables


_ = gettext


def N_(message: str) -> str:
    """Marks a message id kept as data (a sidebar label, a status title) for extraction; it is
    translated where it is shown."""
    return message
