"""gRPC methods of ``crm.customer.v1.CustomerService`` for personal data: access log, consents,
data-subject export, erasure, import and export (CSV, .xlsx). Mixed into
:class:`customer_service.api.CustomerServicer` (which provides ``self.database``).

Who may do what: anybody who may see a customer reads and records its consents; the
privacy roles (:data:`customer_service.personal_data.REVEAL_ROLES`: ``admin``, ``dpo``,
``data_protection_officer``) alone export a customer's data, erase it, follow erasure requests
and read the access log. They too see only the customers in their data scope (a DPO's account
is meant to have scope ``all``).
"""

from __future__ import annotations

from datetime import timedelta

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared import list_exports
from crm_shared.auth import Principal, current_principal, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.spreadsheet_cells import CHINESE_LOCALE, encode_table
from crm_shared.timestamps import from_timestamp
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from customer_service import (
    access_log,
    consents,
    customer_csv,
    erasure,
    export,
    imports,
    personal_data,
    repository,
)
from customer_service.models import Customer, CustomerImport, ErasureRequest

METHOD_PREFIX = "/crm.customer.v1.CustomerService/"
EXPORT_PAGE = 500
# The .xlsx export's sheet name, by whether the headers are Chinese.
EXPORT_SHEET_TITLES = {False: "Customers", True: "客户"}
# ExportCustomersRequest fields that are ListCustomers filters of the same name.
EXPORT_FILTERS = {
    "query",
    "type",
    "owner_id",
    "department_path",
    "tag_ids",
    "any_tag_ids",
    "exclude_tag_ids",
    "value_classes",
    "lifecycle_stages",
    "at_risk",
    "source",
    "industry",
    "include_inactive",
}
MAX_CLOCK_SKEW = timedelta(minutes=5)
CONTACT_DETAILS_BATCH = 500  # the contract's limit of BatchGetContactDetailsRequest.customer_ids


class PersonalDataRpcs:
    """Personal-data methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by CustomerServicer.__init__
    field_keys: personal_data.FieldKeys | None = None
    """Set by ``build_bindings`` from the settings; None: :func:`personal_data.default_keys`."""

    def _keys(self) -> personal_data.FieldKeys:
        return self.field_keys or personal_data.default_keys()

    # --- consents -------------------------------------------------------------------------

    def ListConsents(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id"})
        page_size_of(request.page_size)  # validates; one consent per purpose and channel
        with self.database.unit_of_work(readonly=True) as uow:
            _visible_customer(uow.session, principal, request.customer_id)
            return customer_pb2.ListConsentsResponse(
                consents=[
                    consents.to_proto(uow.session, consent)
                    for consent in consents.list_for(uow.session, request.customer_id)
                ]
            )

    def GrantConsent(self, request, context):
        return self._change_consent(request, consents.GRANTED, request.grant_time, "grant_time")

    def WithdrawConsent(self, request, context):
        return self._change_consent(
            request, consents.WITHDRAWN, request.withdraw_time, "withdraw_time"
        )

    def _change_consent(self, request, state: str, stamp, stamp_field: str):
        principal = current_principal()
        refuse_unsupported(
            request,
            {"customer_id", "purpose", "source", "evidence", stamp_field, "request_id", "channel"},
        )
        now = utcnow()
        violations = request_id_violations(request.request_id)
        if not request.customer_id:
            violations.append(FieldViolation("customer_id", "is required"))
        purpose = consents.PURPOSE_NAMES.get(request.purpose)
        if purpose is None:
            violations.append(
                FieldViolation("purpose", "must be marketing, profiling or third_party_sharing")
            )
        channel = consents.CHANNEL_NAMES.get(request.channel)
        if channel is None:
            violations.append(
                FieldViolation("channel", "must be email, sms, wechat or unset (every channel)")
            )
        source = request.source.strip()
        if not source:
            violations.append(
                FieldViolation("source", "is required (web_form, paper, phone, email...)")
            )
        elif len(source) > 100:
            violations.append(FieldViolation("source", "must be at most 100 characters"))
        if len(request.evidence) > 500:
            violations.append(FieldViolation("evidence", "must be at most 500 characters"))
        when = from_timestamp(stamp) if request.HasField(stamp_field) else now
        if when > now + MAX_CLOCK_SKEW:
            violations.append(FieldViolation(stamp_field, "must not be in the future"))
        if violations:
            raise InvalidArgument(violations)
        change = consents.ConsentChangeRequest(
            customer_id=request.customer_id,
            purpose=purpose,
            state=state,
            source=source,
            evidence=request.evidence.strip(),
            change_time=when,
            actor_id=principal.user_id,
            request_id=request.request_id or None,
            channel=channel or consents.ALL_CHANNELS,
        )
        try:
            with self.database.unit_of_work() as uow:
                _visible_customer(uow.session, principal, request.customer_id, for_update=True)
                consent = consents.change(uow, change)
                return consents.to_proto(uow.session, consent)
        except IntegrityError:
            # A retry raced the first call (same request id) or another first consent of
            # this purpose: the winner's state is the answer.
            with self.database.unit_of_work() as uow:
                _visible_customer(uow.session, principal, request.customer_id, for_update=True)
                consent = consents.change(uow, change)
                return consents.to_proto(uow.session, consent)

    # --- access log -----------------------------------------------------------------------

    def ListAccessLogEntries(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request,
            {
                "page_size",
                "page_token",
                "customer_id",
                "actor_id",
                "action",
                "start_time",
                "end_time",
            },
        )
        _require_privacy_role(principal, "read the personal-data access log")
        filters = access_log.AccessLogFilters(
            customer_id=request.customer_id or None,
            actor_id=request.actor_id or None,
            action=access_log.ACTION_NAMES.get(request.action),
            start_time=from_timestamp(request.start_time)
            if request.HasField("start_time")
            else None,
            end_time=from_timestamp(request.end_time) if request.HasField("end_time") else None,
        )
        with self.database.unit_of_work(readonly=True) as uow:
            if request.customer_id:
                _visible_customer(uow.session, principal, request.customer_id)
            rows, next_token = access_log.list_entries(
                uow.session,
                filters,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListAccessLogEntriesResponse(
                access_log_entries=[access_log.to_proto(row) for row in rows],
                next_page_token=next_token,
            )

    # --- contact details for a sender ------------------------------------------------------

    def BatchGetContactDetails(self, request, context):
        """The phones and e-mails of active customers in the caller's data scope, for a
        service account that sends them messages (the contract lets only
        ``customers.contact_details`` call it): events carry them masked
        (:func:`personal_data.for_event`). Every answer is in the access log."""
        principal = current_principal()
        refuse_unsupported(request, {"customer_ids"})
        ids = list(dict.fromkeys(request.customer_ids))
        if len(ids) > CONTACT_DETAILS_BATCH:
            raise InvalidArgument(
                FieldViolation("customer_ids", f"must list at most {CONTACT_DETAILS_BATCH} ids")
            )
        with self.database.unit_of_work() as uow:
            found = {
                customer.id: customer
                for customer in repository.get_many_visible(uow.session, principal, ids)
                if customer.state == "active"
            }
            details = [
                customer_pb2.CustomerContactDetails(
                    customer_id=customer_id,
                    phone=found[customer_id].phone or "",
                    email=found[customer_id].email or "",
                )
                for customer_id in ids
                if customer_id in found
            ]
            access_log.record_reads(
                uow.session,
                principal,
                (
                    (
                        item.customer_id,
                        [name for name in personal_data.CONTACT_FIELDS if getattr(item, name)],
                    )
                    for item in details
                ),
                METHOD_PREFIX + "BatchGetContactDetails",
            )
            return customer_pb2.BatchGetContactDetailsResponse(
                customers=details, not_found_ids=[i for i in ids if i not in found]
            )

    # --- data-subject export ----------------------------------------------------------------

    def ExportCustomerData(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "access_purpose"})
        _require_privacy_role(principal, "export a customer's personal data")
        with self.database.unit_of_work() as uow:
            _visible_customer(uow.session, principal, request.customer_id)
            document = export.build_export(uow.session, request.customer_id, self._keys())
            access_log.record(
                uow.session,
                principal,
                request.customer_id,
                access_log.EXPORT,
                sorted({record.resource_type for record in document.records}),
                purpose=request.access_purpose,
                method=METHOD_PREFIX + "ExportCustomerData",
            )
            return document

    # --- erasure ----------------------------------------------------------------------------

    def EraseCustomer(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "reason", "request_id"})
        _require_privacy_role(principal, "erase a customer's personal data")
        violations = request_id_violations(request.request_id)
        if not request.customer_id:
            violations.append(FieldViolation("customer_id", "is required"))
        if not request.reason.strip():
            violations.append(
                FieldViolation("reason", "is required (e.g. the data-subject request reference)")
            )
        elif len(request.reason) > 500:
            violations.append(FieldViolation("reason", "must be at most 500 characters"))
        if violations:
            raise InvalidArgument(violations)
        try:
            return self._erase(principal, request)
        except IntegrityError:
            return self._erase(
                principal, request
            )  # the same request raced itself: answer the winner

    def _erase(self, principal: Principal, request) -> customer_pb2.ErasureRequest:
        with self.database.unit_of_work() as uow:
            customer = _visible_customer(uow.session, principal, request.customer_id,
                                         for_update=True)
            existing = erasure.find_existing(uow.session, customer.id, request.request_id or None)
            if existing is not None:
                if existing.customer_id != customer.id:
                    raise InvalidArgument(
                        FieldViolation("request_id", "was used for another customer")
                    )
                return erasure.to_proto(uow.session, existing)
            done = erasure.erase(
                uow,
                customer,
                actor_id=principal.user_id,
                reason=request.reason.strip(),
                request_id=request.request_id or None,
                objects=self.attachment_store,
            )
            access_log.record(
                uow.session,
                principal,
                done.customer_id,
                access_log.ERASE,
                list(personal_data.PERSONAL_FIELDS + personal_data.SECRET_FIELDS),
                purpose=done.reason,
                method=METHOD_PREFIX + "EraseCustomer",
            )
            return erasure.to_proto(uow.session, done)

    def GetErasureRequest(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        _require_privacy_role(principal, "read erasure requests")
        with self.database.unit_of_work(readonly=True) as uow:
            found = uow.session.get(ErasureRequest, request.id) if request.id else None
            if (
                found is None
                or repository.get_visible(uow.session, principal, found.customer_id) is None
            ):
                raise NotFound(f"erasure request {request.id} not found")
            return erasure.to_proto(uow.session, found)

    def ListErasureRequests(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "state"})
        _require_privacy_role(principal, "read erasure requests")
        query = select(ErasureRequest).join(Customer, Customer.id == ErasureRequest.customer_id)
        query = query.where(repository_visibility(principal))
        if request.state:
            query = query.where(ErasureRequest.state == erasure.STATE_NAMES.get(request.state, "?"))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=ErasureRequest.request_time,
                id_column=ErasureRequest.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListErasureRequestsResponse(
                erasure_requests=[erasure.to_proto(uow.session, row) for row in rows],
                next_page_token=next_token,
            )

    # --- CSV import and export -------------------------------------------------------------

    def ImportCustomers(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request,
            {
                "csv_content",
                "file_name",
                "validate_only",
                "default_owner_id",
                "duplicate_handling",
                "request_id",
                "encoding",
            },
        )
        violations = request_id_violations(request.request_id)
        if request.duplicate_handling not in customer_pb2.DuplicateHandling.values():
            violations.append(
                FieldViolation("duplicate_handling", "is not a known duplicate handling")
            )
        if len(request.encoding) > 40:
            violations.append(FieldViolation("encoding", "must be at most 40 characters"))
        if len(request.file_name) > 255:
            violations.append(FieldViolation("file_name", "must be at most 255 characters"))
        if violations:
            raise InvalidArgument(violations)
        return imports.run(
            self.database, lambda create: self.CreateCustomer(create, context), principal, request
        )

    def GetCustomerImport(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            found = uow.session.get(CustomerImport, request.id) if request.id else None
            # An import report lists the ids of the customers it created: its importer's
            # (and the privacy roles') to read.
            if found is None or not (
                found.actor_id == principal.user_id or personal_data.may_reveal(principal)
            ):
                raise NotFound(f"import {request.id} not found")
            return imports.to_proto(found)

    def ListCustomerImports(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token"})
        query = select(CustomerImport)
        if not personal_data.may_reveal(principal):
            query = query.where(CustomerImport.actor_id == principal.user_id)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=CustomerImport.create_time,
                id_column=CustomerImport.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListCustomerImportsResponse(
                imports=[imports.to_proto(row, with_rows=False) for row in rows],
                next_page_token=next_token,
            )

    def ExportCustomers(self, request, context):
        """Stream the visible customers as CSV (a page per chunk) or .xlsx (the workbook once
        every row is in); each exported customer gets an EXPORT entry in the access log, written
        before any of its bytes are sent."""
        principal = current_principal()
        refuse_unsupported(request, EXPORT_FILTERS | list_exports.FILE_FIELDS)
        columns, violations = list_exports.file_violations(request, customer_csv.COLUMNS)
        if violations:
            raise InvalidArgument(violations)
        listing = customer_pb2.ListCustomersRequest()
        for name in EXPORT_FILTERS:
            value = getattr(request, name)
            if name == "at_risk":
                if request.HasField("at_risk"):
                    listing.at_risk = request.at_risk
            elif isinstance(value, (str, int, bool)):
                setattr(listing, name, value)
            else:
                getattr(listing, name).extend(value)
        pages = self._export_pages(principal, self._list_filters(listing), columns, request)
        header = customer_csv.header_of(columns, request.locale)
        for data, written in encode_table(
            header,
            pages,
            xlsx=request.format == types_pb2.TABLE_FORMAT_XLSX,
            sheet_title=EXPORT_SHEET_TITLES[request.locale == CHINESE_LOCALE],
            for_reader=bool(request.locale),
        ):
            yield customer_pb2.ExportCustomersChunk(data=data, row_count=written)

    def _export_pages(self, principal, filters, columns, request):
        """The export's rows, a page of the list at a time, each page access-logged (for the
        personal columns) in the transaction that read it."""
        from customer_service.api import customer_protos  # api imports this module

        personal = sorted(set(columns) & set(personal_data.PERSONAL_FIELDS))
        token = ""
        while True:
            with self.database.unit_of_work() as uow:
                rows, token, _total = repository.list_visible(
                    uow.session, principal, filters, page_size=EXPORT_PAGE, page_token=token
                )
                messages = customer_protos(uow.session, rows, self._keys(), viewer=principal)
                if personal:
                    for message in messages:
                        access_log.record(
                            uow.session,
                            principal,
                            message.id,
                            access_log.EXPORT,
                            personal,
                            purpose=request.access_purpose,
                            method=METHOD_PREFIX + "ExportCustomers",
                        )
            if messages:
                yield [customer_csv.row_of(m, columns, request.locale) for m in messages]
            if not token:
                return


# --- helpers ----------------------------------------------------------------------------------


def repository_visibility(principal: Principal):
    return visibility_clause(principal, Customer.owner_id, Customer.department_path)


def _visible_customer(session, principal: Principal, customer_id: str, *,
                      for_update: bool = False) -> Customer:
    """``for_update``: to change it (``repository.get_visible``: in the caller's data scope)."""
    customer = (repository.get_visible(session, principal, customer_id, for_update=for_update)
                if customer_id else None)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def _require_privacy_role(principal: Principal, what: str) -> None:
    if not personal_data.may_reveal(principal):
        raise PermissionDenied(f"only the data-protection officer or an admin may {what}")
