"""gRPC servicer of ``crm.customer.v1.CustomerService``: translation between proto and domain.

Each method opens one unit of work; visibility is applied in the query, so a caller asking
for a customer they may not see gets NOT_FOUND, exactly as if it did not exist. This module
holds the customer record itself; contacts, tags, duplicates and merges, handovers, personal
data and the portrait are mixins in the ``api_*`` modules.

Sensitive fields (``bank_account``, ``individual.id_card_number``) are accepted by Create and
Update, stored encrypted through ``personal_data`` in the same unit of work, and every answer
(and event) carries them masked; only GetCustomer with ``reveal_sensitive`` by a privacy role
returns them in clear, access-logged as a REVEAL. Every other answer carrying a customer's
personal fields (Get, BatchGet, List, and the portrait and contact reads in the mixins) writes
a READ entry per customer in its own unit of work (``access_log.record_reads``). Service agents (``repository.SERVICE_DESK_ROLES``) may
GetCustomer/BatchGetCustomers any active customer by id, read-only and masked. Every answer
goes through ``personal_data.answer_for`` (``customer_protos(viewer=...)``), which leaves out
the personal fields the caller's role does not need (``personal_data.WITHHELD``: the service
desk gets no birth date); events keep them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc, events_pb2
from crm_shared.attachments import store_from_settings
from crm_shared.auth import Principal, can_see, current_principal
from crm_shared.db import Database, utcnow
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import (
    NOT_SUPPORTED,
    refuse_unsupported,
    request_id_violations,
    unsupported_fields,
)
from crm_shared.grpc.paging import page_size_of
from crm_shared.grpc.server import ServiceBinding
from crm_shared.repeated_requests import earlier_request
from crm_shared.settings import ApiSettings
from crm_shared.timestamps import from_timestamp, to_timestamp
from sqlalchemy.exc import IntegrityError

from customer_service import (
    access_log,
    classification,
    duplicates,
    handover,
    key_field_approvals,
    personal_data,
    profile,
    repository,
    revisions,
    rules,
)
from customer_service import tags as tags_domain
from customer_service.api_approvals import ApprovalRpcs
from customer_service.api_attachments import AttachmentRpcs
from customer_service.api_collaborators import CollaboratorRpcs, collaborators_of
from customer_service.api_contact_match import ContactMatchRpcs
from customer_service.api_contacts import ContactRpcs
from customer_service.api_duplicates import DuplicateRpcs
from customer_service.api_handover import HandoverRpcs
from customer_service.api_personal import METHOD_PREFIX, PersonalDataRpcs
from customer_service.api_portrait import PortraitRpcs
from customer_service.api_tags import TagRpcs
from customer_service.models import Customer

TYPE_NAMES = {
    customer_pb2.CUSTOMER_TYPE_ENTERPRISE: "enterprise",
    customer_pb2.CUSTOMER_TYPE_INDIVIDUAL: "individual",
}
TYPE_VALUES = {name: value for value, name in TYPE_NAMES.items()}


def _enum_names(enum, prefix: str) -> dict[int, str]:
    """Enum value -> name without ``prefix``, lower case (``exhibition``); UNSPECIFIED left out."""
    return {value.number: value.name.removeprefix(prefix).lower()
            for value in enum.DESCRIPTOR.values if value.number}


SOURCE_NAMES = _enum_names(types_pb2.SourceChannel, "SOURCE_CHANNEL_")
SOURCE_VALUES = {name: value for value, name in SOURCE_NAMES.items()}
GENDER_NAMES = _enum_names(customer_pb2.Gender, "GENDER_")
GENDER_VALUES = {name: value for value, name in GENDER_NAMES.items()}
STAGE_NAMES = _enum_names(types_pb2.LifecycleStage, "LIFECYCLE_STAGE_")
STAGE_VALUES = {name: value for value, name in STAGE_NAMES.items()}
VALUE_CLASS_NAMES = {types_pb2.VALUE_CLASS_A: "A", types_pb2.VALUE_CLASS_B: "B",
                     types_pb2.VALUE_CLASS_C: "C"}
VALUE_CLASS_VALUES = {name: value for value, name in VALUE_CLASS_NAMES.items()}
STATE_VALUES = {"active": customer_pb2.CUSTOMER_STATE_ACTIVE,
                "merged": customer_pb2.CUSTOMER_STATE_MERGED,
                "erased": customer_pb2.CUSTOMER_STATE_ERASED}

# What CreateCustomer stores; output-only fields a caller echoes back are ignored.
CREATE_INPUT_FIELDS = {"type", "display_name", "phone", "email", "owner_id", "enterprise",
                       "individual", "source", "source_detail", "first_contact_date", "needs",
                       "address", "wechat_id", "bank_name", "source_lead_id", "source_campaign_id",
                       "tags", "external_ids", "bank_account"}
OUTPUT_ONLY_FIELDS = {"id", "number", "department_path", "create_time", "update_time",
                      "created_by", "updated_by", "etag", "value_class", "annual_contract_amount",
                      "churn_risk", "completeness_score", "missing_fields",
                      "sensitive_fields_masked", "state", "merged_into_customer_id",
                      "last_interaction_time", "lifecycle_stage_change_time", "collaborators",
                      "pending_approval_request_id"}
PROFILE_FIELDS = {
    "enterprise": {"legal_name", "industry", "staff_count", "annual_revenue",
                   "registration_number", "website"},
    "individual": {"gender", "age", "birth_date", "occupation"},
}
# Sensitive profile fields: accepted like the others, but a mask naming a whole profile leaves
# them alone (a client echoing a read profile back would send their masked form), so an
# update of one must name it (``individual.id_card_number``).
PROFILE_SECRET_FIELDS = {"enterprise": set(), "individual": {"id_card_number"}}
# Paths an update mask may name (besides whole profiles, ``tags`` and ``external_ids``).
UPDATABLE_PATHS = (set(rules.RECORD_PATHS) | set(rules.SENSITIVE_PATHS)
                   | {"external_ids", "lifecycle_stage"})
LIST_FILTERS = {"page_size", "page_token", "query", "type", "owner_id", "department_path",
                "number", "phone", "email", "tag_ids", "any_tag_ids", "exclude_tag_ids",
                "value_classes", "lifecycle_stages", "at_risk", "source", "industry",
                "max_completeness_score", "min_update_time", "include_inactive", "order_by",
                "external_id"}
ORDERS = {"": "create_time", "create_time desc": "create_time", "update_time desc": "update_time",
          "display_name": "display_name", "number": "number",
          "annual_contract_amount desc": "annual_contract_amount desc"}
MAX_BATCH = 500


def etag_of(customer: Customer) -> str:
    return f'W/"{customer.version}"'


def _money(minor: int | None, currency: str = "CNY") -> types_pb2.Money | None:
    if minor is None:
        return None
    return types_pb2.Money(currency_code=currency, amount_minor=minor)


def to_proto(customer: Customer, tags: list = (), external_ids: dict[str, str] | None = None
             ) -> customer_pb2.Customer:
    """The customer as the contract shows it. ``tags``: (CustomerTag, Tag) rows of this customer."""
    message = customer_pb2.Customer(
        id=customer.id,
        number=customer.number,
        type=TYPE_VALUES[customer.type],
        display_name=customer.display_name,
        owner_id=customer.owner_id,
        department_path=customer.department_path,
        phone=customer.phone or "",
        email=customer.email or "",
        create_time=to_timestamp(customer.create_time),
        update_time=to_timestamp(customer.update_time),
        source=SOURCE_VALUES.get(customer.source or "", 0),
        source_detail=customer.source_detail or "",
        first_contact_date=profile.text_of(customer.first_contact_date),
        needs=customer.needs or "",
        tags=[tags_domain.customer_tag_proto(link, tag) for link, tag in tags],
        completeness_score=customer.completeness_score or 0,
        missing_fields=[path for path in (customer.missing_fields or "").split(",") if path],
        state=STATE_VALUES.get(customer.state or "active", 0),
        merged_into_customer_id=customer.merged_into_customer_id or "",
        address=customer.address or "",
        wechat_id=customer.wechat_id or "",
        bank_name=customer.bank_name or "",
        primary_contact_id=customer.primary_contact_id or "",
        source_lead_id=customer.source_lead_id or "",
        source_campaign_id=customer.source_campaign_id or "",
        external_ids=external_ids or {},
        created_by=customer.created_by,
        updated_by=customer.updated_by or customer.created_by,
        etag=etag_of(customer),
    )
    if customer.type == "enterprise":
        message.enterprise.CopyFrom(customer_pb2.EnterpriseProfile(
            legal_name=customer.legal_name or "", industry=customer.industry or "",
            staff_count=customer.staff_count or 0,
            annual_revenue=_money(customer.annual_revenue_minor,
                                  customer.annual_revenue_currency or "CNY"),
            registration_number=customer.registration_number or "",
            website=customer.website or ""))
    else:
        message.individual.CopyFrom(customer_pb2.IndividualProfile(
            gender=GENDER_VALUES.get(customer.gender or "", 0), age=customer.age or 0,
            birth_date=profile.text_of(customer.birth_date),
            occupation=customer.occupation or ""))
    _classification_to_proto(customer, message)
    return message


def _classification_to_proto(customer: Customer, message: customer_pb2.Customer) -> None:
    """Value class, stage and churn risk (kept by the portrait), when this schema has them."""
    value_class = getattr(customer, "value_class", None)
    if value_class:
        message.value_class = VALUE_CLASS_VALUES.get(value_class, 0)
    stage = getattr(customer, "lifecycle_stage", None)
    if stage:
        message.lifecycle_stage = STAGE_VALUES.get(stage, 0)
    amount = getattr(customer, "annual_contract_amount", None)
    if amount is not None:
        message.annual_contract_amount.CopyFrom(_money(int(Decimal(amount) * 100)))
    if getattr(customer, "at_risk", None) is not None:
        message.churn_risk.at_risk = bool(customer.at_risk)
        message.churn_risk.reason = customer.risk_reason or ""
    for name in ("last_interaction_time", "lifecycle_stage_change_time"):
        value = getattr(customer, name, None)
        if value is not None:
            getattr(message, name).CopyFrom(to_timestamp(value))


def customer_protos(session, customers: list[Customer],
                    keys: personal_data.FieldKeys | None = None, *,
                    viewer: Principal | None) -> list[customer_pb2.Customer]:
    """``to_proto`` of several customers, with their tags, external ids, (masked) sensitive
    fields and collaborators loaded in four queries. ``keys``: the servicer's field keys (None: the default).
    ``viewer``: the caller the answer is for, who gets what ``personal_data.answer_for``
    leaves; None only for an event (its consumers are services)."""
    ids = [customer.id for customer in customers]
    tags = tags_domain.tags_of(session, ids)
    external = repository.external_ids_of(session, ids)
    masked = personal_data.masked_fields_for_many(session, ids, keys)
    collaborators = collaborators_of(session, ids)
    messages = [personal_data.apply_to_proto(
                    to_proto(customer, tags[customer.id], external.get(customer.id)),
                    masked[customer.id])
                for customer in customers]
    for message in messages:
        message.collaborators.extend(collaborators.get(message.id, ()))
    if viewer is None:
        return messages
    return [personal_data.answer_for(viewer, message) for message in messages]


def customer_proto(session, customer: Customer, keys: personal_data.FieldKeys | None = None, *,
                   viewer: Principal | None) -> customer_pb2.Customer:
    return customer_protos(session, [customer], keys, viewer=viewer)[0]


def log_customer_reads(session, principal: Principal, messages, method: str) -> None:
    """A ``READ`` access-log entry for each returned customer that carried personal values."""
    access_log.record_reads(
        session,
        principal,
        ((message.id, access_log.personal_paths_of(message)) for message in messages),
        METHOD_PREFIX + method,
    )


def sensitive_fields_of(message: customer_pb2.Customer, paths) -> dict[str, str]:
    """The raw values of the sensitive ``paths`` in ``message`` ("" when not set)."""
    return {path: str(value or "") for path, value in record_fields_of(message, paths).items()}


def record_fields_of(message: customer_pb2.Customer, paths) -> dict[str, object]:
    """The raw values of ``paths`` in ``message``, as :func:`rules.validate_record_fields`
    takes them."""
    values: dict[str, object] = {}
    for path in paths:
        if path == "source":
            values[path] = SOURCE_NAMES.get(message.source, "")
        elif path == "individual.gender":
            values[path] = GENDER_NAMES.get(message.individual.gender, "")
        elif path == "enterprise.annual_revenue":
            revenue = message.enterprise.annual_revenue
            values[path] = ((revenue.currency_code, revenue.amount_minor)
                            if message.enterprise.HasField("annual_revenue") else None)
        elif "." in path:
            group, name = path.split(".", 1)
            values[path] = getattr(getattr(message, group), name)
        else:
            values[path] = getattr(message, path)
    return values


def _unknown_enum_violations(message: customer_pb2.Customer, paths) -> list[FieldViolation]:
    """An enum number this service does not know is refused, not stored as "unspecified"."""
    problems = []
    if "source" in paths and message.source and message.source not in SOURCE_NAMES:
        problems.append(FieldViolation("customer.source", "is not a known source channel"))
    if ("individual.gender" in paths and message.individual.gender
            and message.individual.gender not in GENDER_NAMES):
        problems.append(FieldViolation("customer.individual.gender", "is not a known gender"))
    return problems


def _external_id_violations(external_ids, prefix: str = "customer.external_ids"
                            ) -> list[FieldViolation]:
    return [FieldViolation(f"{prefix}[{system!r}]",
                           "system names and ids must be 1-50 and 1-100 characters")
            for system, value in external_ids.items()
            if not 0 < len(system.strip()) <= 50 or not 0 < len(value.strip()) <= 100]


class CustomerServicer(ContactRpcs, TagRpcs, DuplicateRpcs, HandoverRpcs, PersonalDataRpcs,
                       PortraitRpcs, ContactMatchRpcs, AttachmentRpcs,
                       CollaboratorRpcs, ApprovalRpcs,
                       customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self, database: Database) -> None:
        self.database = database

    # what the approval RPCs (api_approvals) apply a held change with, as UpdateCustomer does
    _record_fields_of = staticmethod(record_fields_of)
    _sensitive_fields_of = staticmethod(sensitive_fields_of)

    def _customer_proto(self, session, customer: Customer) -> customer_pb2.Customer:
        return customer_proto(session, customer, self._keys(), viewer=None)

    def CreateCustomer(self, request, context):
        principal = current_principal()
        data = request.customer
        customer_type = TYPE_NAMES.get(data.type, "")
        violations = []
        if customer_type not in rules.CUSTOMER_TYPES:
            violations.append(FieldViolation("customer.type", "must be enterprise or individual"))
        paths = [path for path in rules.COMMON_PATHS
                 if path != "primary_contact_id" and getattr(data, path) not in ("", 0)]
        profile_name = data.WhichOneof("profile")
        if profile_name:
            if customer_type and profile_name != customer_type:
                violations.append(FieldViolation(f"customer.{profile_name}",
                                                 f"does not apply to {customer_type} customers"))
            violations += unsupported_fields(getattr(data, profile_name),
                                             PROFILE_FIELDS[profile_name]
                                             | PROFILE_SECRET_FIELDS[profile_name],
                                             prefix=f"customer.{profile_name}.")
            paths += [f"{profile_name}.{name}" for name in sorted(PROFILE_FIELDS[profile_name])]
        values = record_fields_of(data, paths)
        violations += _unknown_enum_violations(data, paths)
        clean, field_violations = rules.validate_record_fields(values, today=utcnow().date())
        violations += field_violations
        violations += rules.required_violations(customer_type, clean)
        secret_paths = ["bank_account"] + (["individual.id_card_number"]
                                           if profile_name == "individual" else [])
        secrets, secret_violations = rules.validate_sensitive_fields(
            sensitive_fields_of(data, secret_paths), today=utcnow().date())
        secrets = {path: value for path, value in secrets.items() if value}
        violations += secret_violations
        violations += unsupported_fields(
            data, CREATE_INPUT_FIELDS, prefix="customer.", ignored=OUTPUT_ONLY_FIELDS
        )
        violations += _external_id_violations(data.external_ids)
        violations += request_id_violations(request.request_id)
        tag_ids = [tag.tag_id for tag in data.tags]
        violations += [FieldViolation(f"customer.tags[{index}].tag_id", "is required")
                       for index, tag_id in enumerate(tag_ids) if not tag_id]
        if violations:
            raise InvalidArgument(_in_field_order(violations))
        if request.validate_only:
            with self.database.unit_of_work(readonly=True) as uow:
                owner_id, department_path = self._owner(uow.session, principal, data.owner_id)
                catalogue_tags(uow.session, tag_ids)
                draft = Customer(id="", number="", type=customer_type, owner_id=owner_id,
                                 department_path=department_path, created_by=principal.user_id,
                                 version=0, state="active", completeness_score=0)
                profile.apply(draft, clean)
                self._refresh_completeness(uow.session, draft)
                checked = personal_data.apply_to_proto(
                    to_proto(draft, external_ids=dict(data.external_ids)),
                    personal_data.PersonalFields(
                        {path: personal_data.mask(path, value) for path, value in secrets.items()},
                        revealed=False))
                for name in ("id", "number", "create_time", "update_time", "etag", "state"):
                    checked.ClearField(name)
                return personal_data.answer_for(principal, checked)
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(uow.session, Customer, request.request_id,
                                          principal.user_id)
                if earlier is not None:
                    return customer_proto(uow.session, earlier, self._keys(), viewer=principal)
                owner_id, department_path = self._owner(uow.session, principal, data.owner_id)
                tags = catalogue_tags(uow.session, tag_ids)
                repository.check_external_ids_free(uow.session, principal, dict(data.external_ids),
                                                   None)
                now = utcnow()
                customer = Customer(
                    id=str(uuid.uuid4()),
                    number=rules.format_customer_number(repository.next_customer_sequence(uow.session)),
                    type=customer_type,
                    owner_id=owner_id,
                    department_path=department_path,
                    created_by=principal.user_id,
                    updated_by=principal.user_id,
                    create_time=now,
                    update_time=now,
                    request_id=request.request_id or None,
                    state="active",
                    version=1,
                )
                profile.apply(customer, clean)
                uow.session.add(customer)
                uow.session.flush()
                repository.set_external_ids(uow.session, customer.id, dict(data.external_ids))
                personal_data.store_personal_fields(uow.session, customer.id, secrets,
                                                    self._keys())
                tags_domain.add_tags(uow.session, customer, tags, source=tags_domain.MANUAL,
                                     actor_id=principal.user_id, now=now)
                self._refresh_completeness(uow.session, customer)
                self._after_facts_changed(uow, customer, principal.user_id, now, created=True)
                created = customer_proto(uow.session, customer, self._keys(), viewer=None)
                uow.emit(
                    events_pb2.CustomerCreated(customer=personal_data.for_event(created),
                                               actor_id=principal.user_id),
                    key=customer.id,
                )
            return personal_data.answer_for(principal, created)
        except IntegrityError:
            # Two retries of one request raced; the other one won. Answer with its result.
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(uow.session, Customer, request.request_id,
                                          principal.user_id)
                if earlier is None:
                    raise
                return customer_proto(uow.session, earlier, self._keys(), viewer=principal)

    @staticmethod
    def _owner(session, principal: Principal, owner_id: str, field: str = "customer.owner_id"
               ) -> tuple[str, str]:
        if not owner_id or owner_id == principal.user_id:
            return principal.user_id, principal.department_path
        employee = repository.get_employee(session, owner_id)
        if employee is None or not employee.active:
            raise InvalidArgument(FieldViolation(field, "is not an active employee"))
        if not can_see(principal, owner_id=employee.user_id,
                       department_path=employee.department_path):
            raise PermissionDenied("you may not give customers to an owner outside your scope")
        return employee.user_id, employee.department_path

    @staticmethod
    def _refresh_completeness(session, customer: Customer) -> None:
        policy = classification.load_policy(session)
        expected = (policy.enterprise_expected_fields if customer.type == "enterprise"
                    else policy.individual_expected_fields)
        values = profile.values_of(customer)
        if "contacts" in expected and customer.id:
            values["contacts"] = repository.contact_count(session, customer.id)
        score, missing = rules.completeness(values, tuple(expected))
        customer.completeness_score = score
        customer.missing_fields = ",".join(missing) or None

    @staticmethod
    def _after_facts_changed(uow, customer: Customer, actor_id: str, now, *,
                             created: bool = False) -> None:
        """Keep rule-based tags and duplicate pairs current once a customer's facts changed."""
        tags_domain.apply_rules(uow, customer, actor_id=actor_id, now=now, announce=not created)
        duplicates.detect_for(uow.session, customer, now)

    def GetCustomer(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "reveal_sensitive", "access_purpose"})
        if request.reveal_sensitive and not personal_data.may_reveal(principal):
            raise PermissionDenied("your role may not reveal sensitive personal fields")
        # The read (or the reveal) writes its access-log entry, committed with this read.
        with self.database.unit_of_work() as uow:
            customer = repository.get_readable(uow.session, principal, request.id)
            if customer is None:
                raise NotFound(f"customer {request.id} not found")
            message = customer_proto(uow.session, customer, self._keys(), viewer=principal)
            if request.reveal_sensitive:
                personal_data.apply_to_proto(message, personal_data.personal_fields_for(
                    uow.session, customer, principal, reveal=True,
                    purpose=request.access_purpose, method=METHOD_PREFIX + "GetCustomer",
                    keys=self._keys()))
            else:
                log_customer_reads(uow.session, principal, [message], "GetCustomer")
            return message

    def BatchGetCustomers(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"ids"})
        if len(request.ids) > MAX_BATCH:
            raise InvalidArgument(FieldViolation("ids", f"must list at most {MAX_BATCH} ids"))
        with self.database.unit_of_work() as uow:
            readable = repository.get_many_readable(uow.session, principal, list(request.ids))
            found = {c.id: c for c in readable}
            ordered = [found[i] for i in dict.fromkeys(request.ids) if i in found]
            messages = customer_protos(uow.session, ordered, self._keys(), viewer=principal)
            log_customer_reads(uow.session, principal, messages, "BatchGetCustomers")
            return customer_pb2.BatchGetCustomersResponse(
                customers=messages,
                not_found_ids=[i for i in dict.fromkeys(request.ids) if i not in found],
            )

    def ListCustomers(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, LIST_FILTERS)
        filters = self._list_filters(request)
        order = ORDERS.get(" ".join(request.order_by.lower().split()))
        if order is None:
            raise InvalidArgument(FieldViolation(
                "order_by", f"must be one of {', '.join(repr(o) for o in ORDERS if o)}"))
        with self.database.unit_of_work() as uow:
            rows, next_token, total = repository.list_visible(
                uow.session,
                principal,
                filters,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
                order=order,
            )
            messages = customer_protos(uow.session, rows, self._keys(), viewer=principal)
            log_customer_reads(uow.session, principal, messages, "ListCustomers")
            return customer_pb2.ListCustomersResponse(
                customers=messages,
                next_page_token=next_token,
                total_size=total,
            )

    @staticmethod
    def _list_filters(request) -> repository.CustomerFilters:
        violations = []
        value_classes = []
        for index, value in enumerate(request.value_classes):
            if value not in VALUE_CLASS_NAMES:
                violations.append(FieldViolation(f"value_classes[{index}]", "is not a value class"))
            else:
                value_classes.append(VALUE_CLASS_NAMES[value])
        stages = []
        for index, value in enumerate(request.lifecycle_stages):
            if value not in STAGE_NAMES:
                violations.append(FieldViolation(f"lifecycle_stages[{index}]",
                                                 "is not a lifecycle stage"))
            else:
                stages.append(STAGE_NAMES[value])
        if request.source and request.source not in SOURCE_NAMES:
            violations.append(FieldViolation("source", "is not a known source channel"))
        if request.max_completeness_score < 0:
            violations.append(FieldViolation("max_completeness_score", "must not be negative"))
        external = None
        if request.external_id:
            system, _, value = request.external_id.partition(":")
            if not system or not value:
                violations.append(FieldViolation("external_id", "must be written system:id"))
            external = (system, value)
        if violations:
            raise InvalidArgument(violations)
        return repository.CustomerFilters(
            type=TYPE_NAMES.get(request.type),
            owner_id=request.owner_id or None,
            department_path=request.department_path or None,
            number=request.number or None,
            phone=(rules.normalise_phone(request.phone) or request.phone
                   if request.phone else None),
            email=request.email.strip().lower() or None,
            query=request.query.strip() or None,
            all_tag_ids=tuple(request.tag_ids),
            any_tag_ids=tuple(request.any_tag_ids),
            exclude_tag_ids=tuple(request.exclude_tag_ids),
            value_classes=tuple(value_classes),
            lifecycle_stages=tuple(stages),
            at_risk=request.at_risk if request.HasField("at_risk") else None,
            source=SOURCE_NAMES.get(request.source),
            industry=request.industry.strip() or None,
            max_completeness_score=request.max_completeness_score or None,
            min_update_time=(from_timestamp(request.min_update_time)
                             if request.HasField("min_update_time") else None),
            include_inactive=request.include_inactive,
            external_id=external,
        )

    def UpdateCustomer(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer", "update_mask"})
        data = request.customer
        paths = self._update_paths(data, request.update_mask.paths,
                                   personal_data.withheld_from(principal))
        violations = _unknown_enum_violations(data, paths)
        record_paths = [p for p in paths if p in rules.RECORD_PATHS]
        clean, field_violations = rules.validate_record_fields(
            record_fields_of(data, record_paths), today=utcnow().date())
        violations += field_violations
        secrets, secret_violations = rules.validate_sensitive_fields(
            sensitive_fields_of(data, [p for p in paths if p in rules.SENSITIVE_PATHS]),
            today=utcnow().date())
        violations += secret_violations
        if "external_ids" in paths:
            violations += _external_id_violations(data.external_ids)
        if "lifecycle_stage" in paths and data.lifecycle_stage not in STAGE_NAMES:
            violations.append(FieldViolation("customer.lifecycle_stage",
                                             "is not a lifecycle stage"))
        if violations:
            raise InvalidArgument(_in_field_order(violations))
        with self.database.unit_of_work() as uow:
            customer = repository.get_visible(uow.session, principal, data.id, for_update=True)
            if customer is None:
                raise NotFound(f"customer {data.id} not found")
            if data.etag and data.etag != etag_of(customer):
                raise Conflict("the customer changed since it was read; read it again and retry")
            require_active(customer)
            other_profile = [p for p in paths if p.split(".", 1)[0] in PROFILE_FIELDS
                             and p.split(".", 1)[0] != customer.type]
            if other_profile:
                raise InvalidArgument(FieldViolation(
                    f"update_mask.paths[{other_profile[0]}]",
                    f"does not apply to {customer.type} customers"))
            if clean.get("primary_contact_id"):
                contact = repository.get_contact(uow.session, clean["primary_contact_id"])
                if contact is None or contact.customer_id != customer.id:
                    raise InvalidArgument(FieldViolation("customer.primary_contact_id",
                                                         "is not a contact of this customer"))
            merged = {**profile.values_of(customer), **clean}
            missing = rules.required_violations(customer.type, merged)
            if missing:
                raise InvalidArgument(missing)
            now = utcnow()
            # A key field an approval policy holds: the change waits as a proposed revision.
            stored = (personal_data.load_clear(uow.session, [customer.id], self._keys())[customer.id]
                      if secrets else {})
            held = key_field_approvals.hold(
                uow, customer, data, paths=paths, principal=principal, keys=self._keys(), now=now,
                changed=key_field_approvals.changed_paths(customer, clean, secrets, stored))
            if held is not None:
                unchanged = customer_proto(uow.session, customer, self._keys(), viewer=principal)
                unchanged.pending_approval_request_id = held.id
                return unchanged
            changed = profile.apply(customer, clean)
            changes = {path: (profile.text_of(old), profile.text_of(new))
                       for path, (old, new) in changed.items()}
            changes.update(self._store_secrets(uow.session, customer.id, secrets))
            if "external_ids" in paths:
                repository.check_external_ids_free(uow.session, principal,
                                                   dict(data.external_ids), customer.id)
                before = repository.external_ids_of(uow.session, [customer.id]).get(customer.id, {})
                after = dict(data.external_ids)
                if before != after:
                    repository.set_external_ids(uow.session, customer.id, after)
                    changes["external_ids"] = (_text_of_map(before), _text_of_map(after))
            stage_change = None
            new_stage = STAGE_NAMES.get(data.lifecycle_stage)
            if "lifecycle_stage" in paths and customer.lifecycle_stage != new_stage:
                # A correction by hand; the portrait keeps the stage current from then on.
                stage_change = (customer.lifecycle_stage, new_stage)
                customer.lifecycle_stage = stage_change[1]
                customer.lifecycle_stage_change_time = now
                changes["lifecycle_stage"] = (stage_change[0] or "", stage_change[1])
            if not changes:
                return customer_proto(uow.session, customer, self._keys(), viewer=principal)
            if stage_change:
                uow.emit(events_pb2.CustomerStageChanged(
                    customer_id=customer.id, owner_id=customer.owner_id,
                    department_path=customer.department_path,
                    previous=STAGE_VALUES.get(stage_change[0] or "", 0),
                    current=STAGE_VALUES[stage_change[1]], reason="corrected by hand",
                    actor_id=principal.user_id, change_time=to_timestamp(now)), key=customer.id)
            customer.version += 1
            customer.update_time = now
            customer.updated_by = principal.user_id
            self._refresh_completeness(uow.session, customer)
            revisions.record(uow.session, customer.id, changes, actor_id=principal.user_id,
                             source=revisions.API, now=now)
            self._after_facts_changed(uow, customer, principal.user_id, now)
            updated = customer_proto(uow.session, customer, self._keys(), viewer=None)
            uow.emit(events_pb2.CustomerUpdated(customer=personal_data.for_event(updated),
                                                changed_fields=sorted(changes),
                                                actor_id=principal.user_id), key=customer.id)
            return personal_data.answer_for(principal, updated)

    def _store_secrets(self, session, customer_id: str, secrets: dict[str, str]
                       ) -> dict[str, tuple[str, str]]:
        """Store the sensitive values that differ from the stored ones ("" removes one); the
        changes as revisions record them: masked, never in clear."""
        stored = personal_data.load_clear(session, [customer_id], self._keys())[customer_id]
        changed = {path: value for path, value in secrets.items()
                   if stored.get(path, "") != value}
        personal_data.store_personal_fields(session, customer_id, changed, self._keys())
        return {path: (personal_data.mask(path, stored.get(path, "")),
                       personal_data.mask(path, value))
                for path, value in changed.items()}

    @staticmethod
    def _update_paths(data: customer_pb2.Customer, mask_paths, withheld: frozenset[str]
                      ) -> list[str]:
        """The record paths an update mask names; a whole profile leaves out the ``withheld``
        fields (the caller never read them, so what they echo back is empty, not a change)."""
        if not data.id:
            raise InvalidArgument(FieldViolation("customer.id", "is required"))
        if not mask_paths:
            raise InvalidArgument(FieldViolation("update_mask", "must name the fields to change"))
        paths, violations = [], []
        for path in mask_paths:
            if path in PROFILE_FIELDS:
                paths += [f"{path}.{name}" for name in sorted(PROFILE_FIELDS[path])
                          if f"{path}.{name}" not in withheld]
            elif path in UPDATABLE_PATHS:
                paths.append(path)
            elif path in OUTPUT_ONLY_FIELDS or path in ("owner_id", "type"):
                violations.append(FieldViolation(
                    f"update_mask.paths[{path}]",
                    "cannot be set"
                    + (" here: use ReassignCustomer" if path == "owner_id" else "")))
            else:
                violations.append(FieldViolation(f"update_mask.paths[{path}]", NOT_SUPPORTED))
        if violations:
            raise InvalidArgument(violations)
        profile_set = data.WhichOneof("profile")
        for path in paths:
            group = path.split(".", 1)[0]
            if group in PROFILE_FIELDS and profile_set and profile_set != group:
                raise InvalidArgument(FieldViolation(f"customer.{profile_set}",
                                                     f"the mask names {group} fields"))
        return list(dict.fromkeys(paths))

    def ReassignCustomer(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "owner_id", "reason", "request_id"})
        violations = request_id_violations(request.request_id)
        if not request.owner_id:
            violations.append(FieldViolation("owner_id", "is required"))
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            customer = repository.get_visible(uow.session, principal, request.id, for_update=True)
            if customer is None:
                raise NotFound(f"customer {request.id} not found")
            require_active(customer)
            owner_id, department_path = self._owner(uow.session, principal, request.owner_id,
                                                    field="owner_id")
            if (owner_id, department_path) == (customer.owner_id, customer.department_path):
                return customer_proto(uow.session, customer, self._keys(),  # a retry
                                      viewer=principal)
            now = utcnow()
            previous = types_pb2.Ownership(owner_id=customer.owner_id,
                                           department_path=customer.department_path)
            handover.change_owner(uow.session, customer, owner_id, department_path,
                                  actor_id=principal.user_id,
                         now=now, correlation_id=request.request_id)
            uow.emit(events_pb2.CustomerOwnerChanged(
                customer_id=customer.id, previous=previous,
                current=types_pb2.Ownership(owner_id=owner_id, department_path=department_path),
                reason=request.reason, actor_id=principal.user_id), key=customer.id)
            return customer_proto(uow.session, customer, self._keys(), viewer=principal)

    def ListCustomerRevisions(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id", "field_path",
                                     "actor_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            customer = visible_customer(uow.session, principal, request.customer_id)
            rows, next_token = revisions.list_page(
                uow.session, customer.id, field_path=request.field_path or None,
                actor_id=request.actor_id or None, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            withheld = personal_data.withheld_from(principal)
            return customer_pb2.ListCustomerRevisionsResponse(
                revisions=[revisions.to_proto(row, withheld=withheld) for row in rows],
                next_page_token=next_token)


def visible_customer(session, principal: Principal, customer_id: str, *, for_update: bool = False
                     ) -> Customer:
    """The customer, or NOT_FOUND when it does not exist or the caller may not see it."""
    if not customer_id:
        raise InvalidArgument(FieldViolation("customer_id", "is required"))
    customer = repository.get_visible(session, principal, customer_id, for_update=for_update)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def require_active(customer: Customer) -> None:
    if customer.state != "active":
        raise FailedPrecondition(f"customer {customer.id} is {customer.state} and read-only")


def catalogue_tags(session, tag_ids: list[str], field: str = "customer.tags") -> list:
    """The catalogue tags of ``tag_ids``; unknown or system tags are invalid."""
    found = repository.get_tags(session, tag_ids)
    violations = []
    for index, tag_id in enumerate(tag_ids):
        tag = found.get(tag_id)
        if tag is None:
            violations.append(FieldViolation(f"{field}[{index}]", "is not a tag of the catalogue"))
        elif tag.system:
            violations.append(FieldViolation(f"{field}[{index}]",
                                             "is a system tag and cannot be applied by hand"))
    if violations:
        raise InvalidArgument(violations)
    return [found[tag_id] for tag_id in dict.fromkeys(tag_ids)]


def _text_of_map(values: dict[str, str]) -> str:
    return ", ".join(f"{key}:{value}" for key, value in sorted(values.items()))


def _in_field_order(violations: list[FieldViolation]) -> list[FieldViolation]:
    """Violations in the order of the Customer message's fields, so callers see a stable list."""
    order = {field.name: field.number for field in customer_pb2.Customer.DESCRIPTOR.fields}

    def key(violation: FieldViolation):
        parts = violation.field.split(".")
        top = parts[1] if parts[0] == "customer" and len(parts) > 1 else parts[0]
        return (0 if parts[0] == "customer" else 1, order.get(top.split("[")[0], 99),
                violation.field)

    return sorted(violations, key=key)


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    servicer = CustomerServicer(database)
    # The api process's settings (CustomerApiSettings) carry the personal-field keys; without
    # settings (in-process tests) personal_data.default_keys() applies.
    servicer.field_keys = getattr(settings, "field_keys", None)
    # Where attachment bytes live: the settings' store (CustomerApiSettings), else the
    # environment's (ATTACHMENT_STORE..., the local folder by default).
    servicer.attachment_store = store_from_settings(settings)
    return [
        ServiceBinding(
            descriptor=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
            servicer=servicer,
            add_to_server=customer_pb2_grpc.add_CustomerServiceServicer_to_server,
        )
    ]
