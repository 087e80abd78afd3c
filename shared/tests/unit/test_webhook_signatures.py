"""The receiver's side of the suite's outgoing signatures: whatever header arrives, the answer
is True or False, never an exception (a crashing receiver answers 500 to a forger)."""

import pytest
from crm_shared.webhook_signatures import sign, verify

SECRET = "s" * 32
BODY = b'{"message": "hello"}'


def test_a_genuine_signature_verifies_and_a_changed_body_does_not():
    header = sign(SECRET, 1767225600, BODY)
    assert verify(SECRET, header, BODY)
    assert not verify(SECRET, header, BODY + b" ")


@pytest.mark.parametrize("header", [
    "", "garbage", "t=,v1=", "t=x,v1=00", "t=1,v1=é",  # not ASCII: compare_digest's TypeError
    "t=1767225600,v1=" + "\ufffd" * 64, "t=" + "9" * 5000 + ",v1=00",
])
def test_any_other_header_is_refused_without_an_exception(header):
    assert verify(SECRET, header, BODY) is False
