"""A personal-data export never holds a usable link that acts in the customer's name: the
token of a survey link (the public page ``/s/`` or the gateway's route) and of an unsubscribe
link (``/u/``) is withheld, the rest of the text stays."""

from __future__ import annotations

import pytest
from notification_service.customer_data import WITHHELD_LINK, exported_text

TOKEN = "aW52LTE6MTc5OTk5OTk5OQ.Q0hYbW9ja3NpZ25hdHVyZWJ5dGVzZm9ydGhldGVzdDEy"


@pytest.mark.parametrize("path", ["/s/", "/u/", "/api/v1/surveys/respond/"])
def test_the_token_of_a_link_in_the_customers_name_is_withheld(path):
    text = f"请点击 https://crm.example.com{path}{TOKEN} 填写。"

    assert exported_text(text) == f"请点击 https://crm.example.com{path}{WITHHELD_LINK} 填写。"


def test_other_links_are_kept():
    text = "https://crm.example.com/help/kb/42 and https://example.com/s/about"

    assert exported_text(text) == text
