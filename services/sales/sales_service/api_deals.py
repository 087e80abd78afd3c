"""Deal RPCs of ``crm.sales.v1.SalesService``: opportunities, funnel and forecast, quotes,
contracts, payment plans, payments, receivables and purchases, and the deal reports. Mixed into
:class:`sales_service.api.SalesServicer`.

Every write is one unit of work (the change and its outbox event commit together); a record
the caller may not see is NOT_FOUND; stale etags are ABORTED; illegal moves are
FAILED_PRECONDITION. Quotes, payments and receivables are visible by the owner and department
of their opportunity or contract (copied onto them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from crm.common.v1 import reporting_pb2, types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.auth.principal import DataScope
from crm_shared.auth.visibility import can_see, in_subtree, visibility_clause
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.errors import (
    AlreadyExists,
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, keyset_page_by, page_size_of
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import from_timestamp, to_timestamp
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sales_service import (
    approvals,
    contracts,
    opportunity_collaborators,
    payments,
    pipeline,
    policy,
    prospect_grading,
    quotes,
    sales_reports,
)
from sales_service.amounts import columns_of, money, money_violations
from sales_service.dates import parse_date, parse_range
from sales_service.deal_views import (
    CONTRACT_STATUSES,
    PAYMENT_METHODS,
    QUOTE_STATUSES,
    contract_message,
    contract_to_proto,
    etag_of,
    installment_to_proto,
    payment_to_proto,
    purchase_to_proto,
    quote_to_proto,
    receivable_to_proto,
    received_by_contract,
)
from sales_service.models import (
    Contract,
    Installment,
    Lead,
    Opportunity,
    Payment,
    Purchase,
    Quote,
)
from sales_service.opportunities import (
    OPEN_STAGES,
    STAGES,
    change_stage,
    history_of,
    open_opportunity,
    opportunity_to_proto,
)
from sales_service.opportunities import etag_of as opportunity_etag

OPPORTUNITY_CREATE = {"name", "customer_id", "lead_id", "amount", "expected_close_date",
                      "probability", "owner_id", "campaign_id", "campaign_variant_id",
                      "next_step", "description"}
OPPORTUNITY_UPDATE = {"name", "amount", "expected_close_date", "probability", "campaign_id",
                      "campaign_variant_id", "next_step", "description"}
OPPORTUNITY_OUTPUT = {"id", "stage", "weighted_amount", "lost_reason", "close_date",
                      "department_path", "stage_enter_time", "stage_history", "create_time",
                      "update_time", "created_by", "updated_by", "etag"}
OPPORTUNITY_ORDERS = {"": Opportunity.create_time, "create_time desc": Opportunity.create_time,
                      "update_time desc": Opportunity.update_time,
                      "amount desc": Opportunity.amount_minor}
QUOTE_FIELDS = {"opportunity_id", "title", "line_items", "discount_basis_points",
                "valid_until_date", "notes"}
QUOTE_UPDATE = QUOTE_FIELDS - {"opportunity_id"}
QUOTE_OUTPUT = {"id", "number", "customer_id", "status", "subtotal", "discount_amount", "total",
                "owner_id", "department_path", "send_time", "decide_time", "reject_reason",
                "create_time", "update_time", "created_by", "updated_by", "etag"}
CONTRACT_CREATE = {"customer_id", "opportunity_id", "quote_id", "title", "amount", "start_date",
                   "end_date", "owner_id", "external_ids", "renewal_of_contract_id"}
CONTRACT_UPDATE = {"title", "amount", "start_date", "end_date", "external_ids"}
CONTRACT_OUTPUT = {"id", "number", "sign_date", "status", "renewed_by_contract_id",
                   "received_amount", "outstanding_amount", "renewal_reminder_date",
                   "department_path", "termination_reason", "create_time", "update_time",
                   "created_by", "updated_by", "etag"}
PAYMENT_FIELDS = {"contract_id", "installment_id", "amount", "receive_date", "method",
                  "reference", "note"}
PAYMENT_OUTPUT = {"id", "customer_id", "owner_id", "department_path", "status", "void_reason",
                  "create_time", "created_by", "update_time", "updated_by"}
PURCHASE_FIELDS = {"customer_id", "source_system", "external_order_id", "purchase_time",
                   "amount", "item_count", "items_summary", "channel", "campaign_id"}
PURCHASE_OUTPUT = {"id", "owner_id", "department_path", "create_time"}
PURCHASE_ROLES = ("service", "admin", "integration")
ID_LIMIT = 36
REPORT_GROUPS = {sales_pb2.REPORT_GROUP_BY_UNSPECIFIED: "owner",
                 sales_pb2.REPORT_GROUP_BY_OWNER: "owner",
                 sales_pb2.REPORT_GROUP_BY_DEPARTMENT: "department",
                 sales_pb2.REPORT_GROUP_BY_SOURCE: "source",
                 sales_pb2.REPORT_GROUP_BY_CAMPAIGN: "campaign"}


def _required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "is required")]


def _limited(value: str, field: str, limit: int) -> list[FieldViolation]:
    return [FieldViolation(field, f"must be at most {limit} characters")] if len(value) > limit \
        else []


def _check_etag(row, etag: str, what: str) -> None:
    if etag and etag != etag_of(row):
        raise Conflict(f"{what} {row.id} changed since it was read (etag {etag} is stale)")


def _today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def _stamp(row, principal: Principal, now: datetime) -> None:
    row.update_time = now
    row.updated_by = principal.user_id


def _department_clause(column, path: str):
    return pipeline.subtree_clause(column, path)


class DealRpcs:
    database: object  # set by SalesServicer.__init__

    # -- shared ---------------------------------------------------------------------------------

    @staticmethod
    def _visible_row(uow: UnitOfWork, principal: Principal, model, row_id: str, what: str):
        row = uow.session.get(model, row_id) if row_id else None
        if row is None or not can_see(principal, owner_id=row.owner_id,
                                      department_path=row.department_path):
            raise NotFound(f"{what} {row_id} not found")
        return row

    @staticmethod
    def _owner_department(uow: UnitOfWork, principal: Principal, owner_id: str,
                          field: str) -> tuple[str, str]:
        """(owner, department) of a new record: the caller by default. Only leads (in their
        subtree) and ``all`` scope may give another owner, whose department is taken from the
        records that owner already holds here."""
        if not owner_id or owner_id == principal.user_id:
            return principal.user_id, principal.department_path
        if principal.data_scope is DataScope.OWN:
            raise PermissionDenied("you may create records for yourself only")
        department = None
        for model in (Opportunity, Contract):
            department = uow.session.scalar(
                select(model.department_path).where(model.owner_id == owner_id)
                .order_by(model.create_time.desc()).limit(1))
            if department is not None:
                break
        if department is None:
            raise InvalidArgument(FieldViolation(
                field, "is not a rep known to the sales service (no records of theirs yet)"))
        if not can_see(principal, owner_id=owner_id, department_path=department):
            raise PermissionDenied("that owner is outside your department")
        return owner_id, department

    def _policy_currency(self, uow: UnitOfWork) -> str:
        return policy.current(uow.session).currency_code

    @staticmethod
    def _scope(principal: Principal, model, department_path: str, field: str = "department_path",
               visible=None):
        """The visibility clause (``visible``, when the model has a rule of its own), narrowed
        to ``department_path`` when given."""
        where = [visibility_clause(principal, model.owner_id, model.department_path)
                 if visible is None else visible]
        if department_path:
            if not department_path.startswith("/"):
                raise InvalidArgument(FieldViolation(field, "must be a path such as /hq/sales"))
            where.append(_department_clause(model.department_path, department_path))
        return where

    def _pipeline_scope(self, principal: Principal, department_path: str) -> list:
        """The funnel's and forecast's visibility, plus the index-friendly department list
        that lets a team's figures be read from ``ix_opportunities_pipeline``."""
        where = self._scope(principal, Opportunity, department_path)
        departments = pipeline.department_scope(principal, department_path)
        return where if departments is None else [*where, departments]

    @staticmethod
    def _report_root(principal: Principal, department_path: str) -> str:
        root = department_path.rstrip("/")
        if not root and principal.data_scope is DataScope.DEPARTMENT:
            root = principal.department_path.rstrip("/")
        return root

    # -- opportunities --------------------------------------------------------------------------

    @staticmethod
    def _opportunity_violations(data: sales_pb2.Opportunity, fields: set[str],
                                violations: list[FieldViolation]) -> date | None:
        prefix = "opportunity."
        if "name" in fields:
            violations += _required(data.name, prefix + "name")
            violations += _limited(data.name, prefix + "name", 300)
        if "amount" in fields:
            violations += money_violations(data.amount, prefix + "amount")
        if "probability" in fields and not 0 <= data.probability <= 100:
            violations.append(FieldViolation(prefix + "probability", "must be between 0 and 100"))
        for name in ("lead_id", "campaign_id", "campaign_variant_id", "customer_id"):
            if name in fields:
                violations += _limited(getattr(data, name), prefix + name, ID_LIMIT)
        for name, limit in (("next_step", 500), ("description", 20000)):
            if name in fields:
                violations += _limited(getattr(data, name), prefix + name, limit)
        if "expected_close_date" in fields:
            return parse_date(data.expected_close_date, prefix + "expected_close_date",
                              violations)
        return None

    def CreateOpportunity(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"opportunity", "request_id", "initial_stage"})
        data = request.opportunity
        violations = unsupported_fields(data, OPPORTUNITY_CREATE, prefix="opportunity.",
                                        ignored=OPPORTUNITY_OUTPUT)
        violations += _required(data.customer_id, "opportunity.customer_id")
        close_date = self._opportunity_violations(data, OPPORTUNITY_CREATE, violations)
        stage = STAGES.name(request.initial_stage) or "potential"
        if stage not in OPEN_STAGES:
            violations.append(FieldViolation("initial_stage", "must be an open stage"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, Opportunity, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return opportunity_to_proto(earlier, history_of(uow.session, earlier.id))
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                owner_id, department = self._owner_department(uow, principal, data.owner_id,
                                                              "opportunity.owner_id")
                row = open_opportunity(
                    uow.session, uow.emit, customer_id=data.customer_id.strip(),
                    name=data.name, owner_id=owner_id, department_path=department,
                    amount=data.amount if data.HasField("amount") else None,
                    expected_close_date=close_date, lead_id=data.lead_id or None,
                    campaign_id=data.campaign_id or None,
                    campaign_variant_id=data.campaign_variant_id or None, source=None,
                    actor_id=principal.user_id, now=now, stage=stage,
                    probability=data.probability if data.probability else None,
                    next_step=data.next_step, description=data.description,
                    request_id=request.request_id or None)
                return opportunity_to_proto(row, history_of(uow.session, row.id))
        except IntegrityError:
            if not request.request_id:
                raise
            return self.CreateOpportunity(request, context)

    def GetOpportunity(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = opportunity_collaborators.visible(uow.session, principal, request.id)
            return opportunity_to_proto(row, history_of(uow.session, row.id))

    def ListOpportunities(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "query", "stages", "owner_id",
                                     "department_path", "customer_id", "campaign_id",
                                     "expected_close", "order_by"})
        order = " ".join(request.order_by.split())
        violations = []
        if order == "expected_close_date":
            violations.append(FieldViolation(
                "order_by", "`expected_close_date` is not offered by this version (the date is "
                "optional); supported: `create_time desc`, `update_time desc`, `amount desc`"))
        elif order not in OPPORTUNITY_ORDERS:
            violations.append(FieldViolation("order_by", "supported: `create_time desc`, "
                                             "`update_time desc`, `amount desc`"))
        where = self._scope(principal, Opportunity, request.department_path,
                            visible=opportunity_collaborators.visible_clause(principal))
        stages = [STAGES.name(stage) for stage in request.stages]
        if not all(stages):
            violations.append(FieldViolation("stages", "holds an unspecified value"))
        start, end = parse_range(request.expected_close, "expected_close", violations)
        if violations:
            raise InvalidArgument(violations)
        if stages:
            where.append(Opportunity.stage.in_(stages))
        if request.query.strip():
            where.append(Opportunity.name.icontains(request.query.strip(), autoescape=True))
        for field in ("owner_id", "customer_id", "campaign_id"):
            if getattr(request, field):
                where.append(getattr(Opportunity, field) == getattr(request, field))
        where += sales_reports.period_clauses(Opportunity.expected_close_date, start, end)
        column = OPPORTUNITY_ORDERS[order]
        if column is Opportunity.amount_minor:
            where.append(Opportunity.amount_minor.is_not(None))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session, select(Opportunity).where(*where), order_column=column,
                id_column=Opportunity.id, descending=True,
                page_size=page_size_of(request.page_size), page_token=request.page_token)
            total = uow.session.scalar(select(func.count()).select_from(Opportunity)
                                       .where(*where))
            return sales_pb2.ListOpportunitiesResponse(
                opportunities=[opportunity_to_proto(row) for row in rows],
                next_page_token=token, total_size=total)

    def _change_opportunity(self, opportunity_id: str, etag: str, change):
        principal = current_principal()
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                row = self._visible_row(uow, principal, Opportunity, opportunity_id,
                                        "opportunity")
                if etag and etag != opportunity_etag(row):
                    raise Conflict(f"opportunity {row.id} changed since it was read "
                                   f"(etag {etag} is stale)")
                change(uow, row, principal, now)
                uow.session.flush()
                return opportunity_to_proto(row, history_of(uow.session, row.id))
        except StaleDataError as exc:
            raise Conflict(f"opportunity {opportunity_id} was changed by someone else "
                           "meanwhile; read it again") from exc

    def UpdateOpportunity(self, request, context):
        refuse_unsupported(request, {"opportunity", "update_mask"})
        data = request.opportunity
        paths = set(request.update_mask.paths)
        violations = []
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        for path in sorted(paths - OPPORTUNITY_UPDATE):
            violations.append(FieldViolation("update_mask", f"`{path}` cannot be updated"))
        close_date = self._opportunity_violations(data, paths & OPPORTUNITY_UPDATE, violations)
        if violations:
            raise InvalidArgument(violations)

        def change(uow, row, principal, now):
            if row.stage not in OPEN_STAGES:
                raise FailedPrecondition(f"a {row.stage} opportunity cannot be changed")
            for path in sorted(paths):
                if path == "amount":
                    row.amount_minor, row.currency_code = columns_of(data.amount)
                elif path == "expected_close_date":
                    row.expected_close_date = close_date
                elif path == "probability":
                    row.probability = data.probability
                elif path in ("campaign_id", "campaign_variant_id"):
                    setattr(row, path, getattr(data, path) or None)
                else:
                    setattr(row, path, getattr(data, path).strip())
            _stamp(row, principal, now)
            # the contract has no event for descriptive changes; a new amount or probability
            # may change the customer's estimated class (announced when it does)
            if paths & {"amount", "probability"}:
                uow.session.flush()
                prospect_grading.regrade(uow.session, uow.emit, row.customer_id, now)

        return self._change_opportunity(data.id, data.etag, change)

    def ChangeOpportunityStage(self, request, context):
        refuse_unsupported(request, {"id", "stage", "lost_reason", "note", "probability",
                                     "etag"})
        target = STAGES.name(request.stage)
        if len(request.lost_reason) > 500 or len(request.note) > 1000:
            raise InvalidArgument(FieldViolation("note", "must be at most 1000 characters "
                                                 "(lost_reason 500)"))

        def change(uow, row, principal, now):
            change_stage(uow.session, uow.emit, row, target, actor_id=principal.user_id,
                         now=now, lost_reason=request.lost_reason, note=request.note,
                         probability=request.probability if request.HasField("probability")
                         else None)

        return self._change_opportunity(request.id, request.etag, change)

    # -- funnel and forecast --------------------------------------------------------------------

    def GetSalesFunnel(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "owner_id"})
        violations = []
        start, end = parse_range(request.period, "period", violations)
        if violations:
            raise InvalidArgument(violations)
        where = self._pipeline_scope(principal, request.department_path)
        if request.owner_id:
            where.append(Opportunity.owner_id == request.owner_id)
        with self.database.unit_of_work(readonly=True) as uow:
            currency = self._policy_currency(uow)
            stages, excluded = pipeline.funnel(uow.session, where, start=start, end=end,
                                               currency=currency)
        return sales_pb2.SalesFunnel(
            period=request.period, department_path=request.department_path,
            owner_id=request.owner_id, excluded_count=excluded,
            stages=[sales_pb2.FunnelStage(
                stage=STAGES.value(item.stage), count=item.count,
                amount=money(item.amount_minor, currency),
                weighted_amount=money(item.weighted_minor, currency),
                conversion_rate=item.conversion_rate,
                average_days_in_stage=item.average_days_in_stage) for item in stages])

    def GetSalesForecast(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "owner_id", "group_by",
                                     "granularity"})
        violations = []
        start, end = parse_range(request.period, "period", violations)
        if not violations and (start is None or end is None):
            violations.append(FieldViolation("period", "needs a start_date and an end_date"))
        elif start and end and (end - start).days > 3 * 366:
            violations.append(FieldViolation("period", "must be at most three years long"))
        group = REPORT_GROUPS.get(request.group_by)
        if group not in ("owner", "department"):
            violations.append(FieldViolation("group_by", "must be OWNER or DEPARTMENT"))
        if violations:
            raise InvalidArgument(violations)
        where = self._pipeline_scope(principal, request.department_path)
        if request.owner_id:
            where.append(Opportunity.owner_id == request.owner_id)
        root = self._report_root(principal, request.department_path)
        with self.database.unit_of_work(readonly=True) as uow:
            currency = self._policy_currency(uow)
            rows, totals, excluded = pipeline.forecast(
                uow.session, where, start=start, end=end, currency=currency,
                by_department=group == "department", granularity=request.granularity,
                root=root)

        def row_proto(item):
            name = item.group_key.rsplit("/", 1)[-1] if group == "department" else item.group_key
            return sales_pb2.ForecastRow(
                group_key=item.group_key, display_name=name if item.group_key else "",
                bucket_start_date=item.bucket.isoformat(), open_count=item.open_count,
                pipeline_amount=money(item.pipeline_minor, currency),
                weighted_amount=money(item.weighted_minor, currency),
                won_amount=money(item.won_minor, currency))

        return sales_pb2.SalesForecast(
            period=request.period, group_by=request.group_by or sales_pb2.REPORT_GROUP_BY_OWNER,
            rows=[row_proto(item) for item in rows], totals=[row_proto(item) for item in totals],
            excluded_count=excluded)

    # -- quotes ---------------------------------------------------------------------------------

    @staticmethod
    def _quote_lines(data: sales_pb2.Quote, violations: list[FieldViolation]):
        currency = data.line_items[0].unit_price.currency_code if data.line_items else ""
        if len(data.line_items) > quotes.MAX_LINES:
            violations.append(FieldViolation("quote.line_items",
                                             f"must hold at most {quotes.MAX_LINES} lines"))
        lines = []
        for index, item in enumerate(data.line_items):
            violations += quotes.line_violations(
                index, item.quantity, item.unit_price.amount_minor, item.unit_price.currency_code,
                currency, item.discount_basis_points, item.description, item.product_code)
            lines.append(quotes.Line(item.product_code.strip(), item.description.strip(),
                                     item.quantity, item.unit_price.amount_minor,
                                     item.discount_basis_points))
        if not 0 <= data.discount_basis_points <= quotes.FULL:
            violations.append(FieldViolation("quote.discount_basis_points",
                                             "must be between 0 and 10000"))
        return lines, currency

    @staticmethod
    def _apply_lines(row: Quote, lines, currency: str, discount_basis_points: int) -> None:
        figures = quotes.totals(lines, discount_basis_points)
        row.line_items = [
            {"product_code": line.product_code, "description": line.description,
             "quantity": line.quantity, "unit_price_minor": line.unit_price_minor,
             "discount_basis_points": line.discount_basis_points, "line_total": total}
            for line, total in zip(lines, figures.line_totals, strict=True)]
        row.currency_code = currency or row.currency_code
        row.discount_basis_points = discount_basis_points
        row.subtotal_minor, row.discount_minor, row.total_minor = (
            figures.subtotal, figures.discount, figures.total)

    def CreateQuote(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"quote", "request_id"})
        data = request.quote
        violations = unsupported_fields(data, QUOTE_FIELDS, prefix="quote.",
                                        ignored=QUOTE_OUTPUT)
        violations += _required(data.opportunity_id, "quote.opportunity_id")
        violations += _limited(data.title, "quote.title", 300)
        violations += _limited(data.notes, "quote.notes", 20000)
        lines, currency = self._quote_lines(data, violations)
        valid_until = parse_date(data.valid_until_date, "quote.valid_until_date", violations)
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, Quote, request.request_id, principal.user_id)
            if earlier is not None:
                return quote_to_proto(earlier, _today(now))
            opportunity = self._visible_row(uow, principal, Opportunity, data.opportunity_id,
                                            "opportunity")
            if opportunity.stage not in OPEN_STAGES:
                raise FailedPrecondition(f"a {opportunity.stage} opportunity takes no quotes")
            row = Quote(
                id=str(uuid.uuid4()), number=self._next_number(uow, Quote, "Q", now),
                opportunity_id=opportunity.id, customer_id=opportunity.customer_id,
                title=data.title.strip() or opportunity.name, status="draft",
                currency_code=currency or self._policy_currency(uow),
                valid_until_date=valid_until, notes=data.notes.strip(),
                owner_id=opportunity.owner_id, department_path=opportunity.department_path,
                create_time=now, update_time=now, created_by=principal.user_id,
                updated_by=principal.user_id, request_id=request.request_id or None)
            self._apply_lines(row, lines, currency, data.discount_basis_points)
            uow.session.add(row)
            uow.session.flush()
            return quote_to_proto(row, _today(now))

    @staticmethod
    def _next_number(uow: UnitOfWork, model, prefix: str, now: datetime) -> str:
        day = _today(now)
        stem = f"{prefix}{day:%Y%m%d}-"
        latest = uow.session.scalar(select(func.max(model.number)).where(
            model.number.startswith(stem, autoescape=True)))
        sequence = int(latest.rsplit("-", 1)[1]) + 1 if latest else 1
        return quotes.number_for(day, sequence, prefix)

    def GetQuote(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return quote_to_proto(self._visible_row(uow, principal, Quote, request.id, "quote"),
                                  _today(utcnow()))

    def ListQuotes(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "opportunity_id", "customer_id",
                                     "statuses", "owner_id", "department_path"})
        statuses = [QUOTE_STATUSES.name(status) for status in request.statuses]
        if not all(statuses):
            raise InvalidArgument(FieldViolation("statuses", "holds an unspecified value"))
        where = self._scope(principal, Quote, request.department_path)
        today = _today(utcnow())
        if statuses:
            expired = and_(Quote.status == "sent", Quote.valid_until_date < today)
            choices = []
            if "expired" in statuses:
                choices.append(or_(Quote.status == "expired", expired))
            if "sent" in statuses:
                choices.append(and_(Quote.status == "sent",
                                    or_(Quote.valid_until_date.is_(None),
                                        Quote.valid_until_date >= today)))
            others = [status for status in statuses if status not in ("sent", "expired")]
            if others:
                choices.append(Quote.status.in_(others))
            where.append(or_(*choices))
        for field in ("opportunity_id", "customer_id", "owner_id"):
            if getattr(request, field):
                where.append(getattr(Quote, field) == getattr(request, field))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, select(Quote).where(*where),
                                      created_column=Quote.create_time, id_column=Quote.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return sales_pb2.ListQuotesResponse(quotes=[quote_to_proto(row, today)
                                                        for row in rows], next_page_token=token)

    def _change_quote(self, quote_id: str, etag: str, change):
        principal = current_principal()
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                row = self._visible_row(uow, principal, Quote, quote_id, "quote")
                _check_etag(row, etag, "quote")
                build_event = change(uow, row, principal, now)
                _stamp(row, principal, now)
                uow.session.flush()
                after = quote_to_proto(row, _today(now))
                if build_event is not None:
                    uow.emit(build_event(after), key=row.opportunity_id)
                return after
        except StaleDataError as exc:
            raise Conflict(f"quote {quote_id} was changed by someone else meanwhile") from exc

    def UpdateQuote(self, request, context):
        refuse_unsupported(request, {"quote", "update_mask"})
        data = request.quote
        paths = set(request.update_mask.paths)
        violations = []
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        for path in sorted(paths - QUOTE_UPDATE):
            violations.append(FieldViolation("update_mask", f"`{path}` cannot be updated"))
        violations += _limited(data.title, "quote.title", 300)
        lines, currency = self._quote_lines(data, violations)
        valid_until = parse_date(data.valid_until_date, "quote.valid_until_date", violations)
        if violations:
            raise InvalidArgument(violations)

        def change(uow, row, principal, now):
            quotes.require_draft(row.status, "changed")
            if "title" in paths:
                row.title = data.title.strip()
            if "notes" in paths:
                row.notes = data.notes.strip()
            if "valid_until_date" in paths:
                row.valid_until_date = valid_until
            if "line_items" in paths or "discount_basis_points" in paths:
                kept = lines if "line_items" in paths else [
                    quotes.Line(line["product_code"], line["description"], line["quantity"],
                                line["unit_price_minor"], line["discount_basis_points"])
                    for line in row.line_items]
                discount = data.discount_basis_points if "discount_basis_points" in paths \
                    else row.discount_basis_points
                self._apply_lines(row, kept, currency if "line_items" in paths else "",
                                  discount)

        return self._change_quote(data.id, data.etag, change)

    def DeleteQuote(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        from google.protobuf import empty_pb2
        with self.database.unit_of_work() as uow:
            row = self._visible_row(uow, principal, Quote, request.id, "quote")
            quotes.require_draft(row.status, "deleted")
            uow.session.delete(row)
        return empty_pb2.Empty()

    def SendQuote(self, request, context):
        refuse_unsupported(request, {"id"})

        def change(uow, row, principal, now):
            quotes.plan_send(row.status, row.valid_until_date, _today(now), len(row.line_items))
            # a discount the approval policies hold waits for its approvers instead
            if approvals.request_quote_approval(uow, row, principal, now) is not None:
                return None
            return self._mark_sent(uow, row, principal.user_id, now, emit=False)

        return self._change_quote(request.id, "", change)

    @staticmethod
    def _mark_sent(uow: UnitOfWork, row: Quote, actor_id: str, now: datetime, *,
                   emit: bool = True):
        """The quote goes to the customer: sent, its deal at proposal, ``quote.sent`` (emitted
        here, or returned as the builder :meth:`_change_quote` emits when not ``emit``). Called
        by SendQuote, and by the approval that releases a quote it held."""
        row.status = "sent"
        row.send_time = now
        opportunity = uow.session.get(Opportunity, row.opportunity_id)
        # Sending the proposal moves the deal to proposal (never backwards, never reopens).
        if opportunity.stage in ("potential", "intent"):
            change_stage(uow.session, uow.emit, opportunity, "proposal",
                         actor_id=actor_id, now=now, note=f"quote {row.number} sent")

        def event(after):
            return events_pb2.QuoteSent(quote=after, actor_id=actor_id)

        if not emit:
            return event
        row.update_time, row.updated_by = now, actor_id
        uow.session.flush()
        uow.emit(event(quote_to_proto(row, _today(now))), key=row.opportunity_id)
        return None

    def AcceptQuote(self, request, context):
        refuse_unsupported(request, {"id"})

        def change(uow, row, principal, now):
            quotes.plan_decision(row.status, row.valid_until_date, _today(now))
            row.status = "accepted"
            row.decide_time = now
            return lambda after: events_pb2.QuoteAccepted(quote=after,
                                                          actor_id=principal.user_id)

        return self._change_quote(request.id, "", change)

    def RejectQuote(self, request, context):
        refuse_unsupported(request, {"id", "reason"})
        if len(request.reason) > 1000:
            raise InvalidArgument(FieldViolation("reason", "must be at most 1000 characters"))

        def change(uow, row, principal, now):
            quotes.plan_decision(row.status, row.valid_until_date, _today(now))
            row.status = "rejected"
            row.decide_time = now
            row.reject_reason = request.reason.strip() or None
            return lambda after: events_pb2.QuoteRejected(quote=after,
                                                          actor_id=principal.user_id)

        return self._change_quote(request.id, "", change)

    # -- contracts ------------------------------------------------------------------------------

    def _contract_proto(self, uow: UnitOfWork, row: Contract) -> sales_pb2.Contract:
        return contract_message(uow.session, row)

    def CreateContract(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"contract", "request_id"})
        data = request.contract
        violations = unsupported_fields(data, CONTRACT_CREATE, prefix="contract.",
                                        ignored=CONTRACT_OUTPUT)
        violations += _limited(data.title, "contract.title", 300)
        violations += money_violations(data.amount, "contract.amount", required=True,
                                       positive=True)
        start = parse_date(data.start_date, "contract.start_date", violations)
        end = parse_date(data.end_date, "contract.end_date", violations)
        for name, value in (("start_date", data.start_date), ("end_date", data.end_date)):
            if not value:
                violations.append(FieldViolation(f"contract.{name}", "is required"))
        if start and end and end < start:
            violations.append(FieldViolation("contract.end_date", "must not be before start"))
        if not data.customer_id and not data.opportunity_id:
            violations.append(FieldViolation("contract.customer_id",
                                             "is required (or an opportunity_id)"))
        if data.renewal_of_contract_id:
            violations.append(FieldViolation("contract.renewal_of_contract_id",
                                             "is set by RenewContract"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(uow.session, Contract, request.request_id,
                                          principal.user_id)
                if earlier is not None:
                    return self._contract_proto(uow, earlier)
                customer_id = data.customer_id.strip()
                owner_id, department = None, None
                if data.opportunity_id:
                    opportunity = self._visible_row(uow, principal, Opportunity,
                                                    data.opportunity_id, "opportunity")
                    if customer_id and customer_id != opportunity.customer_id:
                        raise InvalidArgument(FieldViolation(
                            "contract.customer_id", "is not the opportunity's customer"))
                    customer_id = opportunity.customer_id
                    if not data.owner_id:
                        owner_id, department = opportunity.owner_id, opportunity.department_path
                if data.quote_id:
                    quote = self._visible_row(uow, principal, Quote, data.quote_id, "quote")
                    if quote.status != "accepted":
                        raise FailedPrecondition(
                            f"a contract takes an accepted quote only; this one is "
                            f"{quotes.status_on(quote.status, quote.valid_until_date, _today(now))}"
                            + (" (it waits for approval)" if quote.status == "pending_approval"
                               else ""))
                    if data.opportunity_id and quote.opportunity_id != data.opportunity_id:
                        raise InvalidArgument(FieldViolation(
                            "contract.quote_id", "is a quote of another opportunity"))
                if owner_id is None:
                    owner_id, department = self._owner_department(
                        uow, principal, data.owner_id, "contract.owner_id")
                row = self._new_contract(
                    uow, principal, now, customer_id=customer_id,
                    opportunity_id=data.opportunity_id or None, quote_id=data.quote_id or None,
                    title=data.title.strip(), amount=data.amount, start=start, end=end,
                    owner_id=owner_id, department=department,
                    external_ids=dict(data.external_ids), request_id=request.request_id or None)
                return self._contract_proto(uow, row)
        except IntegrityError as exc:
            if request.request_id:
                return self.CreateContract(request, context)
            raise Conflict("another contract was numbered at the same moment; retry") from exc

    def _new_contract(self, uow, principal, now, *, customer_id, opportunity_id, quote_id, title,
                      amount, start, end, owner_id, department, external_ids, request_id,
                      renewal_of=None) -> Contract:
        minor, currency = columns_of(amount)
        row = Contract(
            id=str(uuid.uuid4()), number=self._next_number(uow, Contract, "HT", now),
            customer_id=customer_id, opportunity_id=opportunity_id, quote_id=quote_id,
            title=title, amount_minor=minor, currency_code=currency, start_date=start,
            end_date=end, sign_date=None, status="draft", renewal_of_contract_id=renewal_of,
            owner_id=owner_id, department_path=department, external_ids=external_ids,
            create_time=now, update_time=now, created_by=principal.user_id,
            updated_by=principal.user_id, request_id=request_id)
        uow.session.add(row)
        uow.session.flush()
        return row

    def GetContract(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return self._contract_proto(uow, self._visible_row(uow, principal, Contract,
                                                               request.id, "contract"))

    def ListContracts(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "query", "customer_id",
                                     "statuses", "owner_id", "department_path",
                                     "end_date_range"})
        violations = []
        statuses = [CONTRACT_STATUSES.name(status) for status in request.statuses]
        if not all(statuses):
            violations.append(FieldViolation("statuses", "holds an unspecified value"))
        start, end = parse_range(request.end_date_range, "end_date_range", violations)
        if violations:
            raise InvalidArgument(violations)
        where = self._scope(principal, Contract, request.department_path)
        if statuses:
            where.append(Contract.status.in_(statuses))
        if request.query.strip():
            text = request.query.strip()
            where.append(or_(Contract.title.icontains(text, autoescape=True),
                             Contract.number.icontains(text, autoescape=True)))
        for field in ("customer_id", "owner_id"):
            if getattr(request, field):
                where.append(getattr(Contract, field) == getattr(request, field))
        where += sales_reports.period_clauses(Contract.end_date, start, end)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, select(Contract).where(*where),
                                      created_column=Contract.create_time,
                                      id_column=Contract.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            received = received_by_contract(uow.session, [row.id for row in rows])
            days = policy.current(uow.session).renewal_reminder_days
            total = uow.session.scalar(select(func.count()).select_from(Contract).where(*where))
            return sales_pb2.ListContractsResponse(
                contracts=[contract_to_proto(row, received.get(row.id, 0), days)
                           for row in rows], next_page_token=token, total_size=total)

    def _change_contract(self, contract_id: str, etag: str, change):
        principal = current_principal()
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                row = self._visible_row(uow, principal, Contract, contract_id, "contract")
                _check_etag(row, etag, "contract")
                build_event = change(uow, row, principal, now)
                _stamp(row, principal, now)
                uow.session.flush()
                after = self._contract_proto(uow, row)
                if build_event is not None:
                    uow.emit(build_event(uow, row, after), key=row.customer_id)
                return after
        except StaleDataError as exc:
            raise Conflict(f"contract {contract_id} was changed by someone else meanwhile") \
                from exc

    def UpdateContract(self, request, context):
        refuse_unsupported(request, {"contract", "update_mask"})
        data = request.contract
        paths = set(request.update_mask.paths)
        violations = []
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        for path in sorted(paths - CONTRACT_UPDATE):
            violations.append(FieldViolation("update_mask", f"`{path}` cannot be updated"))
        if "title" in paths:
            violations += _limited(data.title, "contract.title", 300)
        if "amount" in paths:
            violations += money_violations(data.amount, "contract.amount", required=True,
                                           positive=True)
        start = parse_date(data.start_date, "contract.start_date", violations) \
            if "start_date" in paths else None
        end = parse_date(data.end_date, "contract.end_date", violations) \
            if "end_date" in paths else None
        if violations:
            raise InvalidArgument(violations)

        def change(uow, row, principal, now):
            if "external_ids" in paths:
                row.external_ids = dict(data.external_ids)
            terms = paths - {"external_ids"}
            if terms:
                contracts.require_status(row.status, ("draft",), "changed (only drafts are)")
            if "title" in paths:
                row.title = data.title.strip()
            if "amount" in paths:
                row.amount_minor, row.currency_code = columns_of(data.amount)
            row.start_date = start or row.start_date
            row.end_date = end or row.end_date
            if row.end_date < row.start_date:
                raise InvalidArgument(FieldViolation("contract.end_date",
                                                     "must not be before start_date"))

        return self._change_contract(data.id, data.etag, change)

    def SignContract(self, request, context):
        refuse_unsupported(request, {"id", "sign_date"})
        violations = []
        sign_date = parse_date(request.sign_date, "sign_date", violations)
        if violations:
            raise InvalidArgument(violations)

        def change(uow, row, principal, now):
            contracts.require_status(row.status, ("draft",), "signed")
            if sign_date and sign_date > _today(now):
                raise InvalidArgument(FieldViolation("sign_date", "must not be in the future"))
            row.status = "active"
            row.sign_date = sign_date or _today(now)
            uow.session.flush()

            def event(uow, row, after):
                return events_pb2.ContractSigned(
                    contract=after, actor_id=principal.user_id,
                    customer_annual_contract_amount=contracts.annual_contract_amount(
                        uow.session, row.customer_id, row.currency_code, _today(now)))
            return event

        return self._change_contract(request.id, "", change)

    def TerminateContract(self, request, context):
        refuse_unsupported(request, {"id", "reason", "end_date"})
        violations = _required(request.reason, "reason") + _limited(request.reason, "reason",
                                                                     1000)
        end = parse_date(request.end_date, "end_date", violations)
        if violations:
            raise InvalidArgument(violations)

        def change(uow, row, principal, now):
            contracts.require_status(row.status, ("active",), "terminated")
            last_day = end or _today(now)
            if last_day < row.start_date - timedelta(days=1) or last_day > row.end_date:
                raise InvalidArgument(FieldViolation(
                    "end_date", "must lie within the contract's term"))
            row.status = "terminated"
            row.termination_reason = request.reason.strip()
            row.end_date = last_day
            uow.session.flush()

            def event(uow, row, after):
                return events_pb2.ContractTerminated(
                    contract=after, actor_id=principal.user_id,
                    customer_annual_contract_amount=contracts.annual_contract_amount(
                        uow.session, row.customer_id, row.currency_code, _today(now)))
            return event

        return self._change_contract(request.id, "", change)

    def RenewContract(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "amount", "end_date", "request_id"})
        violations = request_id_violations(request.request_id)
        if request.HasField("amount"):
            violations += money_violations(request.amount, "amount", required=True,
                                           positive=True)
        new_end = parse_date(request.end_date, "end_date", violations)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                previous = self._visible_row(uow, principal, Contract, request.id, "contract")
                if previous.renewed_by_contract_id:
                    renewal = uow.session.get(Contract, previous.renewed_by_contract_id)
                    if request.request_id and renewal.request_id == request.request_id:
                        return self._contract_proto(uow, renewal)
                    raise FailedPrecondition(
                        f"contract {previous.number} was already renewed by {renewal.number}")
                contracts.require_status(previous.status, ("active", "expired"), "renewed")
                start, end = contracts.renewal_term(previous.start_date, previous.end_date,
                                                    new_end)
                if end < start:
                    raise InvalidArgument(FieldViolation("end_date", "must be after the "
                                                         "renewed contract's end date"))
                amount = request.amount if request.HasField("amount") else money(
                    previous.amount_minor, previous.currency_code)
                row = self._new_contract(
                    uow, principal, now, customer_id=previous.customer_id,
                    opportunity_id=previous.opportunity_id, quote_id=None,
                    title=previous.title, amount=amount, start=start, end=end,
                    owner_id=previous.owner_id, department=previous.department_path,
                    external_ids={}, request_id=request.request_id or None,
                    renewal_of=previous.id)
                previous.renewed_by_contract_id = row.id
                _stamp(previous, principal, now)
                return self._contract_proto(uow, row)
        except IntegrityError as exc:
            raise Conflict(f"contract {request.id} is being renewed by another call") from exc

    # -- payment plans and payments -------------------------------------------------------------

    @staticmethod
    def _reallocate(uow: UnitOfWork, contract: Contract) -> list[Installment]:
        """Credit the contract's counted payments to its installments again."""
        installments = list(uow.session.scalars(
            select(Installment).where(Installment.contract_id == contract.id)
            .order_by(Installment.sequence)))
        counted = uow.session.scalars(
            select(Payment).where(Payment.contract_id == contract.id,
                                  Payment.status == "recorded")
            .order_by(Payment.receive_date, Payment.create_time, Payment.id)).all()
        received = payments.allocate(
            [payments.PlannedInstallment(i.id, i.sequence, i.due_date, i.amount_minor)
             for i in installments],
            [payments.CountedPayment(p.id, p.amount_minor, p.installment_id) for p in counted])
        for installment in installments:
            installment.received_minor = received[installment.id]
        return installments

    @staticmethod
    def _plan_proto(contract: Contract, installments: list[Installment],
                    today: date) -> sales_pb2.PaymentPlan:
        return sales_pb2.PaymentPlan(
            contract_id=contract.id,
            installments=[installment_to_proto(item, contract.currency_code, today)
                          for item in installments],
            planned_amount=money(sum(item.amount_minor for item in installments),
                                 contract.currency_code),
            update_time=to_timestamp(contract.plan_update_time),
            updated_by=contract.plan_updated_by or "")

    def GetPaymentPlan(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"contract_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            contract = self._visible_row(uow, principal, Contract, request.contract_id,
                                         "contract")
            installments = list(uow.session.scalars(
                select(Installment).where(Installment.contract_id == contract.id)
                .order_by(Installment.sequence)))
            return self._plan_proto(contract, installments, _today(utcnow()))

    def SetPaymentPlan(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"contract_id", "installments"})
        violations = []
        rows = []
        for index, item in enumerate(request.installments):
            violations += unsupported_fields(
                item, {"sequence", "due_date", "amount", "note"},
                prefix=f"installments[{index}].",
                ignored={"id", "contract_id", "received_amount", "status"})
            violations += _limited(item.note, f"installments[{index}].note", 500)
            due = parse_date(item.due_date, f"installments[{index}].due_date", violations)
            rows.append((item.sequence, due, item.amount.amount_minor,
                         item.amount.currency_code))
        if len(rows) > 120:
            violations.append(FieldViolation("installments", "must hold at most 120"))
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            contract = self._visible_row(uow, principal, Contract, request.contract_id,
                                         "contract")
            contracts.require_status(contract.status, ("draft", "active"),
                                     "given a payment plan")
            violations = payments.plan_violations(rows, contract_amount=contract.amount_minor,
                                                  currency=contract.currency_code)
            if violations:
                raise InvalidArgument(violations)
            existing = {item.sequence: item for item in uow.session.scalars(
                select(Installment).where(Installment.contract_id == contract.id))}
            for sequence in sorted(set(existing) - {row[0] for row in rows}):
                uow.session.delete(existing[sequence])
            uow.session.flush()
            for item, (sequence, due, amount, _currency) in zip(request.installments, rows,
                                                                strict=True):
                kept = existing.get(sequence)
                if kept is None:
                    kept = Installment(id=str(uuid.uuid4()), contract_id=contract.id,
                                       sequence=sequence, received_minor=0)
                    uow.session.add(kept)
                if kept.due_date != due:
                    kept.overdue_notice_time = None  # a new due date can be missed again
                kept.due_date, kept.amount_minor, kept.note = due, amount, item.note.strip()
            uow.session.flush()
            contract.plan_update_time = now
            contract.plan_updated_by = principal.user_id
            installments = self._reallocate(uow, contract)
            return self._plan_proto(contract, installments, _today(now))

    def RecordPayment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"payment", "request_id"})
        data = request.payment
        violations = unsupported_fields(data, PAYMENT_FIELDS, prefix="payment.",
                                        ignored=PAYMENT_OUTPUT)
        violations += _required(data.contract_id, "payment.contract_id")
        violations += money_violations(data.amount, "payment.amount", required=True,
                                       positive=True)
        receive_date = parse_date(data.receive_date, "payment.receive_date", violations)
        if not data.receive_date:
            violations.append(FieldViolation("payment.receive_date", "is required"))
        if data.method and not PAYMENT_METHODS.name(data.method):
            violations.append(FieldViolation("payment.method", "is not a known method"))
        violations += _limited(data.reference, "payment.reference", 100)
        violations += _limited(data.note, "payment.note", 1000)
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        if receive_date and receive_date > _today(now):
            raise InvalidArgument(FieldViolation("payment.receive_date",
                                                 "must not be in the future"))
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(uow.session, Payment, request.request_id,
                                          principal.user_id)
                if earlier is not None:
                    return payment_to_proto(earlier)
                contract = self._visible_row(uow, principal, Contract, data.contract_id,
                                             "contract")
                contracts.require_status(contract.status, ("active", "expired", "terminated"),
                                         "paid (sign it first)")
                if data.amount.currency_code != contract.currency_code:
                    raise InvalidArgument(FieldViolation(
                        "payment.amount.currency_code",
                        f"must be the contract's currency {contract.currency_code}"))
                if data.installment_id and uow.session.scalar(select(Installment.id).where(
                        Installment.id == data.installment_id,
                        Installment.contract_id == contract.id)) is None:
                    raise InvalidArgument(FieldViolation(
                        "payment.installment_id", "is not an installment of the contract"))
                reference = data.reference.strip() or None
                if reference and uow.session.scalar(select(Payment.id).where(
                        Payment.contract_id == contract.id, Payment.reference == reference)):
                    raise AlreadyExists(f"a payment with reference {reference} is already "
                                        "recorded on this contract")
                row = Payment(
                    id=str(uuid.uuid4()), contract_id=contract.id,
                    customer_id=contract.customer_id, installment_id=data.installment_id or None,
                    amount_minor=data.amount.amount_minor, currency_code=contract.currency_code,
                    receive_date=receive_date, method=PAYMENT_METHODS.name(data.method) or "other",
                    reference=reference, note=data.note.strip(), owner_id=contract.owner_id,
                    department_path=contract.department_path, status="recorded",
                    create_time=now, update_time=now, created_by=principal.user_id,
                    updated_by=principal.user_id, request_id=request.request_id or None)
                uow.session.add(row)
                uow.session.flush()
                self._reallocate(uow, contract)
                received = received_by_contract(uow.session, [contract.id]).get(contract.id, 0)
                campaign = uow.session.scalar(select(Opportunity.campaign_id).where(
                    Opportunity.id == contract.opportunity_id)) if contract.opportunity_id \
                    else None
                after = payment_to_proto(row)
                uow.emit(events_pb2.PaymentReceived(
                    payment=after, contract_outstanding_amount=money(
                        max(contract.amount_minor - received, 0), contract.currency_code),
                    campaign_id=campaign or "", actor_id=principal.user_id), key=contract.id)
                return after
        except IntegrityError as exc:
            if request.request_id:
                return self.RecordPayment(request, context)
            raise AlreadyExists("a payment with this reference is already recorded") from exc

    def GetPayment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return payment_to_proto(self._visible_row(uow, principal, Payment, request.id,
                                                      "payment"))

    def ListPayments(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "contract_id", "customer_id",
                                     "owner_id", "department_path", "receive_date_range",
                                     "include_voided"})
        violations = []
        start, end = parse_range(request.receive_date_range, "receive_date_range", violations)
        if violations:
            raise InvalidArgument(violations)
        where = self._scope(principal, Payment, request.department_path)
        if not request.include_voided:
            where.append(Payment.status == "recorded")
        for field in ("contract_id", "customer_id", "owner_id"):
            if getattr(request, field):
                where.append(getattr(Payment, field) == getattr(request, field))
        where += sales_reports.period_clauses(Payment.receive_date, start, end)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, select(Payment).where(*where),
                                      created_column=Payment.create_time, id_column=Payment.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return sales_pb2.ListPaymentsResponse(payments=[payment_to_proto(row)
                                                            for row in rows],
                                                  next_page_token=token)

    def VoidPayment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "reason"})
        violations = _required(request.reason, "reason") + _limited(request.reason, "reason",
                                                                     1000)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            row = self._visible_row(uow, principal, Payment, request.id, "payment")
            if row.status == "voided":
                raise FailedPrecondition("the payment is already voided")
            row.status = "voided"
            row.void_reason = request.reason.strip()
            _stamp(row, principal, now)
            uow.session.flush()
            self._reallocate(uow, uow.session.get(Contract, row.contract_id))
            after = payment_to_proto(row)
            uow.emit(events_pb2.PaymentVoided(payment=after, actor_id=principal.user_id),
                     key=row.contract_id)
            return after

    def ListOverdueReceivables(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "owner_id", "department_path",
                                     "customer_id", "as_of_date"})
        violations = []
        as_of = parse_date(request.as_of_date, "as_of_date", violations) or _today(utcnow())
        if violations:
            raise InvalidArgument(violations)
        where = self._scope(principal, Contract, request.department_path)
        where += [Installment.due_date < as_of,
                  Installment.received_minor < Installment.amount_minor,
                  Contract.status.in_(("active", "expired"))]
        for field in ("owner_id", "customer_id"):
            if getattr(request, field):
                where.append(getattr(Contract, field) == getattr(request, field))
        query = select(Installment).join(Contract, Contract.id == Installment.contract_id) \
            .where(*where)
        with self.database.unit_of_work(readonly=True) as uow:
            # Most overdue first: the oldest due date, keyset over (due date, id).
            rows, token = keyset_page_by(uow.session, query, order_column=Installment.due_date,
                                         id_column=Installment.id, descending=False,
                                         page_size=page_size_of(request.page_size),
                                         page_token=request.page_token)
            currency = self._policy_currency(uow)
            outstanding = uow.session.scalar(
                select(func.coalesce(func.sum(Installment.amount_minor
                                              - Installment.received_minor), 0))
                .join(Contract, Contract.id == Installment.contract_id)
                .where(*where, Contract.currency_code == currency))
            by_id = {row.id: row for row in uow.session.scalars(
                select(Contract).where(Contract.id.in_({row.contract_id for row in rows})))}
            return sales_pb2.ListOverdueReceivablesResponse(
                receivables=[receivable_to_proto(by_id[row.contract_id], row, as_of)
                             for row in rows], next_page_token=token,
                total_outstanding=money(int(outstanding or 0), currency))

    # -- purchases ------------------------------------------------------------------------------

    def RecordPurchase(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"purchase", "request_id"})
        if not (principal.is_service_account or principal.has_role(*PURCHASE_ROLES)):
            raise PermissionDenied("purchases arrive from ERP or e-commerce service accounts")
        data = request.purchase
        violations = unsupported_fields(data, PURCHASE_FIELDS, prefix="purchase.",
                                        ignored=PURCHASE_OUTPUT)
        for name, limit in (("customer_id", ID_LIMIT), ("source_system", 50),
                            ("external_order_id", 100)):
            violations += _required(getattr(data, name), f"purchase.{name}")
            violations += _limited(getattr(data, name), f"purchase.{name}", limit)
        for name, limit in (("items_summary", 1000), ("channel", 50), ("campaign_id", ID_LIMIT)):
            violations += _limited(getattr(data, name), f"purchase.{name}", limit)
        if not data.HasField("purchase_time"):
            violations.append(FieldViolation("purchase.purchase_time", "is required"))
        violations += money_violations(data.amount, "purchase.amount", required=True)
        if data.item_count < 0:
            violations.append(FieldViolation("purchase.item_count", "must not be negative"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        key = (data.source_system.strip(), data.external_order_id.strip())
        try:
            with self.database.unit_of_work() as uow:
                same_order = and_(Purchase.source_system == key[0],
                                  Purchase.external_order_id == key[1])
                # Only a request_id the caller sent identifies a retry: `== None` would be
                # `IS NULL` and answer every order sent without one with the first such order.
                earlier = uow.session.scalar(select(Purchase).where(
                    or_(same_order, Purchase.request_id == request.request_id)
                    if request.request_id else same_order))
                if earlier is not None:
                    # The same order sent again answers with what was stored, to whoever may
                    # see it; to anyone else it is taken, and nothing of it is shown.
                    if not (earlier.created_by == principal.user_id or can_see(
                            principal, owner_id=earlier.owner_id,
                            department_path=earlier.department_path)):
                        raise AlreadyExists("this order (or request_id) is already recorded")
                    return purchase_to_proto(earlier)
                owner_id, department = self._customer_owner(uow, data.customer_id)
                row = Purchase(
                    id=str(uuid.uuid4()), customer_id=data.customer_id.strip(),
                    source_system=key[0], external_order_id=key[1],
                    purchase_time=from_timestamp(data.purchase_time),
                    amount_minor=data.amount.amount_minor,
                    currency_code=data.amount.currency_code, item_count=data.item_count,
                    items_summary=data.items_summary.strip(), channel=data.channel.strip(),
                    campaign_id=data.campaign_id or None, owner_id=owner_id,
                    department_path=department, create_time=now, created_by=principal.user_id,
                    request_id=request.request_id or None)
                uow.session.add(row)
                uow.session.flush()
                since = now - timedelta(days=365)
                count, spent = uow.session.execute(
                    select(func.count(), func.coalesce(func.sum(Purchase.amount_minor), 0))
                    .where(Purchase.customer_id == row.customer_id,
                           Purchase.currency_code == row.currency_code,
                           Purchase.purchase_time > since)).one()
                after = purchase_to_proto(row)
                uow.emit(events_pb2.PurchaseRecorded(
                    purchase=after, customer_purchase_count_12m=count,
                    customer_purchase_amount_12m=money(int(spent), row.currency_code)),
                    key=row.customer_id)
                return after
        except IntegrityError:
            return self.RecordPurchase(request, context)

    @staticmethod
    def _customer_owner(uow: UnitOfWork, customer_id: str) -> tuple[str, str]:
        """The owner of the customer here: of its latest contract, else latest opportunity
        (the customer's record owner lives in the customer service)."""
        for model in (Contract, Opportunity):
            found = uow.session.execute(
                select(model.owner_id, model.department_path)
                .where(model.customer_id == customer_id)
                .order_by(model.create_time.desc()).limit(1)).first()
            if found is not None:
                return found[0], found[1]
        return "", ""

    def ListPurchases(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id", "source_system",
                                     "start_time", "end_time"})
        where = [visibility_clause(principal, Purchase.owner_id, Purchase.department_path)]
        if principal.is_service_account:
            where = []  # the ERP sees what it sent and what others sent: purchases are not owned
        for field in ("customer_id", "source_system"):
            if getattr(request, field):
                where.append(getattr(Purchase, field) == getattr(request, field))
        if request.HasField("start_time"):
            where.append(Purchase.purchase_time >= from_timestamp(request.start_time))
        if request.HasField("end_time"):
            where.append(Purchase.purchase_time < from_timestamp(request.end_time))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, select(Purchase).where(*where),
                                      created_column=Purchase.purchase_time,
                                      id_column=Purchase.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return sales_pb2.ListPurchasesResponse(purchases=[purchase_to_proto(row)
                                                              for row in rows],
                                                   next_page_token=token)

    # -- reports --------------------------------------------------------------------------------

    def _report_scope(self, request, principal):
        violations = []
        start, end = parse_range(request.period, "period", violations)
        if violations:
            raise InvalidArgument(violations)
        where = self._scope(principal, Opportunity, request.department_path)
        return start, end, where, self._report_root(principal, request.department_path)

    def GetConversionReport(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "group_by"})
        start, end, where, root = self._report_scope(request, principal)
        group = REPORT_GROUPS.get(request.group_by)
        if group is None:
            raise InvalidArgument(FieldViolation("group_by", "is not a known grouping"))
        with self.database.unit_of_work(readonly=True) as uow:
            currency = self._policy_currency(uow)
            figures = sales_reports.conversion(
                uow.session, where, self._scope(principal, Lead, request.department_path),
                start=start, end=end, group_by=group, currency=currency, root=root)

        def row(item, key):
            return sales_pb2.ConversionRow(
                group_key=key, display_name=key.rsplit("/", 1)[-1] if group == "department"
                else key, lead_count=item.lead_count, contacted_count=item.contacted_count,
                converted_count=item.converted_count, conversion_rate=item.conversion_rate,
                average_first_contact_hours=item.average_first_contact_hours,
                closed_opportunity_count=item.closed_count, won_count=item.won_count,
                win_rate=sales_reports.rate(item.won_count, item.closed_count),
                won_amount=money(item.won_minor, currency))

        total = sales_reports.ConversionFigures("")
        for item in figures:
            total.add(item)
        return sales_pb2.ConversionReport(
            period=request.period, group_by=request.group_by or sales_pb2.REPORT_GROUP_BY_OWNER,
            rows=[row(item, item.group_key) for item in figures], total=row(total, ""))

    def GetDealCycleReport(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "group_by"})
        start, end, where, root = self._report_scope(request, principal)
        group = REPORT_GROUPS.get(request.group_by)
        if group not in ("owner", "department"):
            raise InvalidArgument(FieldViolation("group_by", "must be OWNER or DEPARTMENT"))
        with self.database.unit_of_work(readonly=True) as uow:
            currency = self._policy_currency(uow)
            won = sales_reports.won_deals(uow.session, where, start=start, end=end,
                                          currency=currency)
        groups: dict[str, tuple[list[float], list[int]]] = {}
        for owner, department, days, amount, _customer, _source in won:
            key = owner if group == "owner" else pipeline.department_group(department, root)
            cell = groups.setdefault(key, ([], []))
            cell[0].append(days)
            cell[1].append(amount)

        def row(key, days, amounts):
            stats = sales_reports.cycle_stats(days, amounts)
            return sales_pb2.DealCycleRow(
                group_key=key, display_name=key.rsplit("/", 1)[-1] if group == "department"
                else key, won_count=stats.won_count, average_cycle_days=stats.average_days,
                median_cycle_days=stats.median_days, p90_cycle_days=stats.p90_days,
                average_deal_amount=money(stats.average_amount_minor, currency))

        return sales_pb2.DealCycleReport(
            period=request.period,
            rows=[row(key, *groups[key]) for key in sorted(groups)],
            total=row("", [item[2] for item in won], [item[3] for item in won]))

    def GetWonDealTraitsReport(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path"})
        start, end, where, _root = self._report_scope(request, principal)
        with self.database.unit_of_work(readonly=True) as uow:
            currency = self._policy_currency(uow)
            won = sales_reports.won_deals(uow.session, where, start=start, end=end,
                                          currency=currency)
            names = sales_reports.won_deal_traits(uow.session, won)
        traits = []
        for trait, values in names.items():
            traits.append(sales_pb2.TraitDistribution(trait=trait, buckets=[
                sales_pb2.TraitBucket(value=bucket.value, count=bucket.count, share=bucket.share,
                                      amount=money(bucket.amount_minor, currency))
                for bucket in sales_reports.distribution(values)]))
        return sales_pb2.WonDealTraitsReport(period=request.period, won_count=len(won),
                                             traits=traits)

    def GetSalesKpis(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "group_by_department"})
        violations = []
        start, end = parse_range(request.period, "period", violations)
        if not violations and (start is None or end is None):
            violations.append(FieldViolation("period", "needs a start_date and an end_date"))
        if violations:
            raise InvalidArgument(violations)
        root = self._report_root(principal, request.department_path)
        if request.department_path and principal.data_scope is DataScope.DEPARTMENT and \
                not in_subtree(root, principal.department_path):
            raise PermissionDenied("you may see the KPIs of your department subtree only")
        length = (end - start).days + 1
        previous_end = start - timedelta(days=1)
        previous_start = previous_end - timedelta(days=length - 1)
        now = utcnow()

        def kpis(session, currency, path):
            def scope(model):
                return self._scope(principal, model, path)

            today = _today(now)
            current = sales_reports.kpi_figures(session, scope, start=start, end=end,
                                                currency=currency, today=today,
                                                with_pipeline=True)
            before = sales_reports.kpi_figures(session, scope, start=previous_start,
                                               end=previous_end, currency=currency, today=today,
                                               with_pipeline=False)
            values = []
            for now_value, then_value in zip(sales_reports.kpi_values(current, currency),
                                             sales_reports.kpi_values(before, currency),
                                             strict=True):
                key, label, value, unit, higher, sample = now_value
                kpi = reporting_pb2.Kpi(key=key, display_name=label, value=value, unit=unit,
                                        higher_is_better=higher, sample_size=sample)
                if then_value[5]:
                    kpi.previous_value = then_value[2]
                values.append(kpi)
            # the contracts signed, next to the target of the rep (own scope) or the department
            subject = principal.user_id if principal.data_scope is DataScope.OWN else path
            values.append(self._signed_amount_kpi(
                session, scope(Contract), currency=currency, period=(start, end),
                previous=(previous_start, previous_end), subject=subject))
            return values

        with self.database.unit_of_work(readonly=True) as uow:
            currency = self._policy_currency(uow)
            report = reporting_pb2.KpiReport(
                period=request.period,
                previous_period=types_pb2.DateRange(start_date=previous_start.isoformat(),
                                                    end_date=previous_end.isoformat()),
                department_path=root, kpis=kpis(uow.session, currency, root),
                compute_time=to_timestamp(now), source_service="sales")
            if request.group_by_department:
                children = sorted({pipeline.department_group(path, root) for path in
                                   uow.session.scalars(select(Opportunity.department_path)
                                                       .where(*self._scope(principal,
                                                                           Opportunity, root))
                                                       .distinct())} - {root})
                for child in children:
                    report.groups.append(reporting_pb2.KpiGroup(
                        key=child, display_name=child.rsplit("/", 1)[-1],
                        kpis=kpis(uow.session, currency, child)))
            return report

