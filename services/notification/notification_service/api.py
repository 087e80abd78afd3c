"""gRPC servicer of ``crm.notification.v1.NotificationService``: the caller's own inbox."""

from __future__ import annotations

from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.db import Database
from crm_shared.grpc.paging import page_size_of
from crm_shared.grpc.server import ServiceBinding
from crm_shared.timestamps import to_timestamp
from notification_service import inbox
from notification_service.models import InboxEntry


def to_proto(entry: InboxEntry) -> notification_pb2.Notification:
    return notification_pb2.Notification(
        id=entry.id,
        recipient_id=entry.recipient_id,
        category=entry.category,
        title=entry.title,
        body=entry.body,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        source_event_id=entry.source_event_id,
        create_time=to_timestamp(entry.create_time),
        read=entry.read_time is not None,
        read_time=to_timestamp(entry.read_time),
    )


class NotificationServicer(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, database: Database) -> None:
        self.database = database

    def ListNotifications(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = inbox.list_inbox(
                uow.session,
                principal.user_id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
                unread_only=request.unread_only,
            )
            return notification_pb2.ListNotificationsResponse(
                notifications=[to_proto(row) for row in rows], next_page_token=next_token
            )

    def GetUnreadCount(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            return notification_pb2.GetUnreadCountResponse(
                unread_count=inbox.unread_count(uow.session, principal.user_id)
            )

    def MarkNotificationsRead(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work() as uow:
            marked = inbox.mark_read(
                uow.session, principal.user_id, ids=list(request.ids), everything=request.all
            )
        return notification_pb2.MarkNotificationsReadResponse(marked=marked)


def build_bindings(database: Database) -> list[ServiceBinding]:
    return [
        ServiceBinding(
            descriptor=notification_pb2.DESCRIPTOR.services_by_name["NotificationService"],
            servicer=NotificationServicer(database),
            add_to_server=notification_pb2_grpc.add_NotificationServiceServicer_to_server,
        )
    ]
