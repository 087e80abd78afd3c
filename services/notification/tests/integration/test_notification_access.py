"""Who may call the notification service (issue 15, finding 5), over real gRPC against the real
servicer: a service account is no operator because it is one. It sends only with the
``notification.send`` scope, and that scope opens nothing else; every RPC refuses the callers
its contract excludes.
"""

from __future__ import annotations

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_devstack.access_checks import refusals
from crm_devstack.inprocess_api import InProcessApi
from crm_shared.db import Database
from notification_service.api import build_bindings

pytestmark = pytest.mark.integration

SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
C = types_pb2.DeliveryChannel

PEOPLE = {
    # the marketing service's account as every deployment had it: a role, no scope
    "svc-unscoped": (("service", "marketer"), "/hq", "all"),
    # ... and as it is granted now (crm_shared.auth.scopes)
    "svc-marketing": (("service",), "/hq", "all", ("notification.send",)),
    # an account granted something else entirely
    "svc-erp": (("service",), "/hq", "all", ("customers.read", "customers.write")),
    "u-admin": (("admin",), "/hq", "all"),
    "u-dpo": (("dpo",), "/hq/legal", "all"),
    "u-marketer": (("marketer",), "/hq/marketing", "own"),
    "u-lead": (("manager", "service_lead"), "/hq/service", "department"),
}


@pytest.fixture(scope="module")
def api(module_migrated_database, keys):
    database = Database(module_migrated_database("notification_service"))
    server = InProcessApi("notification", build_bindings, database, keys, service=SERVICE,
                          stub_class=notification_pb2_grpc.NotificationServiceStub,
                          people=PEOPLE)
    yield server
    server.stop()
    database.dispose()


def _send(stub, key: str):
    return stub.SendMessages(notification_pb2.SendMessagesRequest(messages=[
        notification_pb2.OutboundMessage(
            idempotency_key=key, channel=C.DELIVERY_CHANNEL_IN_APP, recipient_user_id="u-lead",
            subject="春季活动", body="欢迎参加", category="campaign")]))


def test_a_service_account_without_the_send_scope_may_not_send(api, rpc_error):
    for account in ("svc-unscoped", "svc-erp"):
        error = rpc_error(_send, api.stub(account), f"k-{account}")
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, (account, error)
        assert "notification.send" in error.message


def test_a_service_account_with_the_send_scope_sends(api):
    sent = _send(api.stub("svc-marketing"), "campaign:c-1:u-lead")
    (result,) = sent.results
    assert result.status.code == 0 and result.delivery_id
    # the person it went to sees it; an admin still sends too
    inbox = api.stub("u-lead").ListNotifications(notification_pb2.ListNotificationsRequest())
    assert [n.title for n in inbox.notifications] == ["春季活动"]
    assert _send(api.stub("u-admin"), "admin:1").results[0].status.code == 0


def test_the_send_scope_makes_no_operator(api, rpc_error):
    """Sending is all it opens: not other people's inboxes, preferences or deliveries, not the
    rules, templates or dead letters, not a customer's export."""
    account = api.stub("svc-marketing")
    for call, request in (
            (account.ListNotifications, notification_pb2.ListNotificationsRequest(
                recipient_id="u-lead")),
            (account.GetNotificationPreferences, notification_pb2.GetNotificationPreferencesRequest(
                user_id="u-lead")),
            (account.ListDeliveries, notification_pb2.ListDeliveriesRequest()),
            (account.ListNotificationRules, notification_pb2.ListNotificationRulesRequest()),
            (account.ListDeadLetters, notification_pb2.ListDeadLettersRequest()),
            (account.ExportCustomerData, notification_pb2.ExportCustomerDataRequest(
                customer_id="c-1"))):
        assert rpc_error(call, request).code is grpc.StatusCode.PERMISSION_DENIED, call


def test_roles_the_contract_excludes_are_refused(api, rpc_error):
    marketer, lead, dpo = api.stub("u-marketer"), api.stub("u-lead"), api.stub("u-dpo")
    rule = notification_pb2.CreateNotificationRuleRequest(rule=notification_pb2.NotificationRule(
        display_name="x"))
    for call, request in ((marketer.SendMessages, notification_pb2.SendMessagesRequest()),
                          (lead.CreateNotificationRule, rule),
                          (lead.ListDeadLetters, notification_pb2.ListDeadLettersRequest()),
                          (marketer.ExportCustomerData,
                           notification_pb2.ExportCustomerDataRequest(customer_id="c-1"))):
        assert rpc_error(call, request).code is grpc.StatusCode.PERMISSION_DENIED, call
    # the privacy role the contract names does export (the handler runs)
    export = dpo.ExportCustomerData(notification_pb2.ExportCustomerDataRequest(customer_id="c-1"))
    assert export.source_service == "notification"


def test_every_rpc_refuses_the_callers_its_contract_excludes(api):
    assert refusals(api.target, SERVICE, api.issuer) == []
