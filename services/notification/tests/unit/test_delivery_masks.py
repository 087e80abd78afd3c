"""A delivery's address as the delivery list shows it: the events' mask
(``crm_shared.contact_masks``) for a phone or an e-mail, the host alone for a webhook."""

from crm.common.v1 import types_pb2
from notification_service.deliveries import mask

C = types_pb2.DeliveryChannel


def test_phones_and_emails_are_masked_as_events_mask_them_and_a_webhook_shows_its_host():
    assert mask("+8613912345678", C.DELIVERY_CHANNEL_SMS) == "+86*********78"
    assert mask("li@example.com", C.DELIVERY_CHANNEL_EMAIL) == "l***@example.com"
    assert mask("https://hooks.example.com/a/b?c=1", C.DELIVERY_CHANNEL_WEBHOOK) == (
        "https://hooks.example.com/***"
    )
    assert mask("", C.DELIVERY_CHANNEL_SMS) == ""
