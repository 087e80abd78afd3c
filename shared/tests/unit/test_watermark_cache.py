"""The per-process watermark cache (``crm_shared.auth.revocations.WatermarkCache``): a change
this process noted is in force at once and outlives a document read before it committed; a
document that holds it lets the note go. Its document here is a dict the test sets."""

import pytest
from crm_shared.auth.revocations import Revoked, WatermarkCache, subject_digest
from crm_shared.errors import Unauthenticated

MS = 1_700_000_000_000


class DictRevocations(WatermarkCache):
    def __init__(self) -> None:
        super().__init__("a dict", interval_seconds=1.0, timeout_seconds=1.0)
        self.document: dict[str, int] = {}

    def refresh(self) -> None:
        self._replace({subject_digest(s): v for s, v in self.document.items()})


def issued(ms: int) -> float:
    return ms / 1000


def test_nothing_is_accepted_before_the_first_document():
    with pytest.raises(Unauthenticated):
        DictRevocations().check("u-1", issued(MS))


def test_a_noted_change_is_in_force_at_once_and_survives_an_older_document():
    cache = DictRevocations()
    cache.refresh()
    cache.check("u-1", issued(MS))
    cache.note("u-1", MS + 10)
    with pytest.raises(Revoked):
        cache.check("u-1", issued(MS))
    cache.refresh()  # read before the change committed: it does not hold it
    with pytest.raises(Revoked):
        cache.check("u-1", issued(MS))
    cache.check("u-1", issued(MS + 10))  # issued after the change
    cache.check("u-2", issued(MS))  # others untouched


def test_a_document_holding_the_change_takes_over_and_a_later_one_counts():
    cache = DictRevocations()
    cache.note("u-1", MS + 10)
    cache.document = {"u-1": MS + 20}  # changed again elsewhere since
    cache.refresh()
    with pytest.raises(Revoked):
        cache.check("u-1", issued(MS + 15))
    # once the document held it, the note is let go: a watermark past the token lifetime
    # leaves the document (it voids only expired tokens) and this process forgets it too
    cache.document = {}
    cache.refresh()
    cache.check("u-1", issued(MS))
