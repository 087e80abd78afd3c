"""Every message the console can show has its Chinese.

The message ids are extracted the way ``pybabel extract`` would (Babel's Python extractor with
``_``/``gettext``/``ngettext``/``N_``, and Jinja2's extractor with the i18n extension for the
templates), so an id added to any view or template without a translation in one of the
``translations/zh_CN/*.po`` catalogs fails here, naming the file it came from. The labels of
the proto enum values (``display.enum_label``) are checked for every value of every enum of the
suite's contracts, since any of them can reach a page.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from crm_console import i18n
from crm_console.display import enum_english
from google.protobuf.descriptor import EnumDescriptor

PACKAGE = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
PROTO_MODULES = (
    "crm.customer.v1.customer_pb2",
    "crm.sales.v1.sales_pb2",
    "crm.ticket.v1.ticket_pb2",
    "crm.marketing.v1.marketing_pb2",
    "crm.notification.v1.notification_pb2",
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _sources() -> list[Path]:
    python = sorted(p for p in PACKAGE.rglob("*.py") if "tests" not in p.parts)
    templates = sorted((PACKAGE / "templates").rglob("*.html"))
    return python + templates


def extracted_ids() -> dict[str | tuple[str, str], set[str]]:
    """msgid (a (singular, plural) pair for ngettext) → the files (relative to the package)
    that use it."""
    found: dict[str | tuple[str, str], set[str]] = defaultdict(set)
    for path in _sources():
        if path.suffix == ".py":
            method, options = "python", {}
        else:
            method, options = "jinja2.ext.babel_extract", JINJA_OPTIONS
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            if isinstance(message, tuple):
                message = tuple(text for text in message if text)[:2]
                if len(message) == 1:
                    message = message[0]
            if message:
                found[message].add(str(path.relative_to(PACKAGE)))
    return found


def _enums_of(module_name: str):
    file = importlib.import_module(module_name).DESCRIPTOR

    def nested(message):
        yield from message.enum_types
        for inner in message.nested_types:
            yield from nested(inner)

    yield from file.enum_types_by_name.values()
    for message in file.message_types_by_name.values():
        yield from nested(message)


def _common_modules() -> list[str]:
    import pkgutil

    import crm.common.v1 as common

    return [
        f"crm.common.v1.{info.name}"
        for info in pkgutil.iter_modules(common.__path__)
        if info.name.endswith("_pb2")
    ]


def enum_labels() -> dict[str, set[str]]:
    """English label (msgid) → the enums that have a value with it."""
    labels: dict[str, set[str]] = defaultdict(set)
    for module_name in (*PROTO_MODULES, *_common_modules()):
        for enum in _enums_of(module_name):
            assert isinstance(enum, EnumDescriptor)
            for value in enum.values:
                english = enum_english(enum, value.number)
                if english:
                    labels[english].add(enum.full_name)
    return labels


def _catalogs():
    paths = sorted((i18n.CATALOG_DIR / "zh_CN").glob("*.po"))
    assert paths, "no catalogs in translations/zh_CN"
    catalogs = {}
    for path in paths:
        with path.open("rb") as handle:
            catalogs[path.name] = read_po(handle, locale="zh_CN", abort_invalid=True)
    return catalogs


@pytest.fixture(scope="module")
def chinese():
    return i18n.load_catalogs()["zh-CN"]


def _translated(chinese, msgid: str | tuple[str, str]) -> bool:
    """A non-empty msgstr is in a catalog (it may equal the msgid: ``CRM``, ``Webhook``)."""
    keys = [(msgid[0], 0)] if isinstance(msgid, tuple) else [msgid]
    return all(chinese._catalog.get(key) for key in keys)


def test_every_message_id_of_the_console_has_chinese(chinese):
    ids = extracted_ids()
    assert "Sign in" in ids and "Inbox" in ids  # the extraction itself works
    missing = sorted(
        (str(msgid), sorted(files))
        for msgid, files in ids.items()
        if not _translated(chinese, msgid)
    )
    assert not missing, "message ids without Chinese:\n" + "\n".join(
        f"  {msgid!r}  ({', '.join(files)})" for msgid, files in missing
    )


def test_every_enum_label_has_chinese(chinese):
    labels = enum_labels()
    assert len(labels) > 200
    missing = sorted(
        (label, sorted(enums)) for label, enums in labels.items() if not _translated(chinese, label)
    )
    assert not missing, "enum labels without Chinese:\n" + "\n".join(
        f"  {label!r}  ({', '.join(enums)})" for label, enums in missing
    )


def test_catalogs_parse_and_agree():
    seen: dict[str, tuple[str, str]] = {}
    conflicts, empty = [], []
    for name, catalog in _catalogs().items():
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                empty.append(f"{name}: {msgid!r}")
            text = " | ".join(strings)
            if msgid in seen and seen[msgid][1] != text:
                conflicts.append(
                    f"{msgid!r}: {seen[msgid][0]} {seen[msgid][1]!r} vs {name} {text!r}"
                )
            seen.setdefault(msgid, (name, text))
    assert not empty, "entries with an empty msgstr:\n  " + "\n  ".join(empty)
    assert not conflicts, "translated differently in two catalogs:\n  " + "\n  ".join(conflicts)


def test_placeholders_of_each_translation_match_its_msgid():
    wrong = []
    for name, catalog in _catalogs().items():
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = set().union(*(set(PLACEHOLDER.findall(i)) for i in ids))
            for text in strings:
                if text and set(PLACEHOLDER.findall(text)) != expected:
                    wrong.append(f"{name}: {ids[0]!r} → {text!r}")
    assert not wrong, "placeholders differ from the msgid's:\n  " + "\n  ".join(wrong)


def test_translations_render_with_their_variables(chinese):
    """Each translated ``%(name)s`` message formats with its msgid's names (no KeyError)."""
    for msgid in extracted_ids():
        if isinstance(msgid, tuple):
            names = PLACEHOLDER.findall(" ".join(msgid)) + ["num"]
            text = chinese.ngettext(msgid[0], msgid[1], 2)
        else:
            names, text = PLACEHOLDER.findall(msgid), chinese.gettext(msgid)
        if names and _translated(chinese, msgid):
            text % {name: "x" for name in names}
