"""gRPC servicer of ``crm.notification.v1.NotificationService``: the caller's own inbox."""

from __future__ import annotations

from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.db import Database
from crm_shared.errors import PermissionDenied
from crm_shared.grpc.paging import page_size_of
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings
from crm_shared.timestamps import from_timestamp, to_timestamp

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
        _own_inbox_only(principal, request.recipient_id)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = inbox.list_inbox(
                uow.session,
                principal.user_id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
                unread_only=request.unread_only,
                category=request.category,
                subject_type=request.subject_type,
                subject_id=request.subject_id,
            )
            return notification_pb2.ListNotificationsResponse(
                notifications=[to_proto(row) for row in rows], next_page_token=next_token
            )

    def GetUnreadCount(self, request, context):
        principal = current_principal()
        _own_inbox_only(principal, request.recipient_id)
        with self.database.unit_of_work(readonly=True) as uow:
            by_category = inbox.unread_by_category(uow.session, principal.user_id, request.category)
        return notification_pb2.GetUnreadCountResponse(
            unread_count=sum(by_category.values()), unread_by_category=by_category
        )

    def MarkNotificationsRead(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work() as uow:
            marked = inbox.mark_read(
                uow.session,
                principal.user_id,
                ids=list(request.ids),
                everything=request.all,
                max_create_time=(
                    from_timestamp(request.max_create_time)
                    if request.HasField("max_create_time")
                    else None
                ),
            )
            remaining = sum(inbox.unread_by_category(uow.session, principal.user_id).values())
        return notification_pb2.MarkNotificationsReadResponse(marked=marked, unread_count=remaining)


def _own_inbox_only(principal, recipient_id: str) -> None:
    """Reading another person's inbox is not something this version offers anyone."""
    if recipient_id and recipient_id != principal.user_id:
        raise PermissionDenied("you can read only your own notifications")


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    return [
        ServiceBinding(
            descriptor=notification_pb2.DESCRIPTOR.services_by_name["NotificationService"],
            servicer=NotificationServicer(database),
            add_to_server=notification_pb2_grpc.add_NotificationServiceServicer_to_server,
        )
    ]
