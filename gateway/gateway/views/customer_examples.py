"""Examples the OpenAPI document shows for the customer routes' responses.

One demo world throughout: the enterprise customer 杭州西湖科技 (``CUSTOMER_ID``), owned by the
sales rep 张伟 (``REP_ID``), with its contact 李娜. Each example is the ``protojson`` body of
its message as the route returns it, so it validates against the model it documents.
"""

from __future__ import annotations

CUSTOMER_ID = "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f"
DUPLICATE_ID = "5a7c9e1b-2d4f-4a6c-8e0b-1d3f5a7c9e2b"
REP_ID = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
OTHER_REP_ID = "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918"
MANAGER_ID = "c4d5e6f7-a8b9-4c0d-8e1f-2a3b4c5d6e7f"
CONTACT_ID = "2c4e6a8b-0d1f-4e3a-9b5c-7d9f1b3d5f7a"
EVENT_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
ERASURE_ID = "8f1e2d3c-4b5a-4968-8776-655443322110"
IMPORT_ID = "4d3c2b1a-0f9e-4d8c-b7a6-958473625140"
TIME = "2026-03-01T08:30:00Z"
LATER = "2026-03-02T10:15:00Z"

COLLABORATOR_EXAMPLE = {
    "user_id": "7b0c2f0e-3c1d-4a8e-9d52-0c6f3b1e5a10",
    "role": "technical_support",
    "added_by": REP_ID,
    "add_time": LATER,
}

CUSTOMER_EXAMPLE = {
    "id": CUSTOMER_ID,
    "number": "C20260301",
    "type": "enterprise",
    "display_name": "杭州西湖科技",
    "owner_id": REP_ID,
    "department_path": "/hq/sales/east",
    "phone": "+8613800138000",
    "email": "contact@example.com",
    "create_time": TIME,
    "update_time": TIME,
    "enterprise": {
        "legal_name": "",
        "industry": "",
        "staff_count": 0,
        "annual_revenue": None,
        "registration_number": "",
        "website": "",
    },
    "individual": None,
    "source": None,
    "source_detail": "",
    "first_contact_date": "",
    "needs": "",
    "tags": [],
    "value_class": None,
    "lifecycle_stage": None,
    "annual_contract_amount": None,
    "churn_risk": None,
    "completeness_score": 60,
    "missing_fields": ["address"],
    "bank_name": "",
    "bank_account": "**** **** 1234",
    "sensitive_fields_masked": True,
    "state": "active",
    "merged_into_customer_id": "",
    "address": "",
    "wechat_id": "",
    "primary_contact_id": "",
    "source_lead_id": "",
    "source_campaign_id": "",
    "external_ids": {},
    "last_interaction_time": None,
    "created_by": REP_ID,
    "updated_by": REP_ID,
    "etag": "1",
    "collaborators": [COLLABORATOR_EXAMPLE],
}

CONTACT_EXAMPLE = {
    "id": CONTACT_ID,
    "customer_id": CUSTOMER_ID,
    "name": "李娜",
    "job_title": "采购经理",
    "department": "采购部",
    "phone": "+8613912345678",
    "email": "li.na@example.com",
    "wechat_id": "lina_hz",
    "decision_role": "decision_maker",
    "reports_to_contact_id": "",
    "primary": True,
    "birth_date": "1988-06-15",
    "notes": "周二下午方便联系",
    "create_time": TIME,
    "update_time": TIME,
    "created_by": REP_ID,
    "updated_by": REP_ID,
    "etag": "1",
}

CONTACT_PAGE_EXAMPLE = {"contacts": [CONTACT_EXAMPLE], "next_page_token": "", "total_size": 1}

REVISION_PAGE_EXAMPLE = {
    "revisions": [
        {
            "id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            "customer_id": CUSTOMER_ID,
            "field_path": "display_name",
            "old_value": "西湖科技",
            "new_value": "杭州西湖科技",
            "actor_id": REP_ID,
            "change_source": "api",
            "change_time": LATER,
            "correlation_id": "6f5e4d3c-2b1a-4098-8765-43210fedcba9",
            "comment": "",
        }
    ],
    "next_page_token": "",
}

TIMELINE_ENTRY_EXAMPLE = {
    "id": "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a",
    "customer_id": CUSTOMER_ID,
    "kind": "contract_signed",
    "occur_time": LATER,
    "title": "签订合同 HT-2026-0012",
    "summary": "年度软件服务合同",
    "source_service": "sales",
    "subject_type": "contract",
    "subject_id": "e5f6a7b8-c9d0-4e1f-9a2b-3c4d5e6f7a8b",
    "actor_id": REP_ID,
    "amount": {"currency_code": "CNY", "amount_minor": 12000000},
    "source_event_id": EVENT_ID,
    "attributes": {"contract_number": "HT-2026-0012"},
    "title_params": {"number": "HT-2026-0012", "title": "年度软件服务合同"},
}

TIMELINE_PAGE_EXAMPLE = {"timeline_entries": [TIMELINE_ENTRY_EXAMPLE], "next_page_token": ""}

PORTRAIT_EXAMPLE = {
    "customer": CUSTOMER_EXAMPLE,
    "behaviour": {
        "purchase_count_12m": 3,
        "purchase_frequency_per_month": 0.25,
        "last_purchase_date": "2026-02-20",
        "preferred_service_channel": "phone",
        "last_interaction_time": LATER,
        "interaction_count_90d": 8,
        "complaint_count_90d": 0,
        "ticket_count_12m": 2,
    },
    "value": {
        "lifetime_spend": {"currency_code": "CNY", "amount_minor": 36000000},
        "spend_12m": {"currency_code": "CNY", "amount_minor": 12000000},
        "average_order_value": {"currency_code": "CNY", "amount_minor": 4000000},
        "annual_contract_amount": {"currency_code": "CNY", "amount_minor": 12000000},
        "overdue_receivables": {"currency_code": "CNY", "amount_minor": 0},
        "repurchase_rate": 0.67,
        "rfm": {
            "recency_score": 5,
            "frequency_score": 3,
            "monetary_score": 4,
            "recency_days": 9,
            "frequency": 3,
            "monetary": {"currency_code": "CNY", "amount_minor": 12000000},
            "compute_time": LATER,
        },
    },
    "satisfaction": {
        "average_score": 4.5,
        "latest_score": 5.0,
        "latest_nps": 9,
        "record_count": 2,
        "recent": [],
    },
    "recent_timeline": [TIMELINE_ENTRY_EXAMPLE],
    "open_opportunity_count": 1,
    "open_ticket_count": 0,
    "contacts": [CONTACT_EXAMPLE],
    "update_time": LATER,
}

CONSENT_EXAMPLE = {
    "id": "f6a7b8c9-d0e1-4f2a-8b3c-4d5e6f7a8b9c",
    "customer_id": CUSTOMER_ID,
    "purpose": "marketing",
    "state": "granted",
    "source": "phone",
    "evidence": "通话录音 REC-20260301-017",
    "grant_time": TIME,
    "withdraw_time": None,
    "recorded_by": REP_ID,
    "history": [
        {
            "state": "granted",
            "change_time": TIME,
            "source": "phone",
            "evidence": "通话录音 REC-20260301-017",
            "actor_id": REP_ID,
        }
    ],
}

CONSENT_PAGE_EXAMPLE = {"consents": [CONSENT_EXAMPLE], "next_page_token": ""}

ERASURE_EXAMPLE = {
    "id": ERASURE_ID,
    "customer_id": CUSTOMER_ID,
    "state": "in_progress",
    "reason": "DSR-2026-0042",
    "requested_by": MANAGER_ID,
    "request_time": LATER,
    "complete_time": None,
    "services": [
        {"service": "customer", "done": True, "complete_time": LATER, "erased_record_count": 4},
        {"service": "sales", "done": False, "complete_time": None, "erased_record_count": 0},
    ],
}

ERASURE_PAGE_EXAMPLE = {"erasure_requests": [ERASURE_EXAMPLE], "next_page_token": ""}

ACCESS_LOG_PAGE_EXAMPLE = {
    "access_log_entries": [
        {
            "id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "customer_id": CUSTOMER_ID,
            "actor_id": MANAGER_ID,
            "actor_roles": ["sales_manager"],
            "action": "reveal",
            "field_paths": ["phone"],
            "purpose": "回访确认",
            "access_time": LATER,
            "method": "/crm.customer.v1.CustomerService/GetCustomer",
            "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        }
    ],
    "next_page_token": "",
}

IMPORT_EXAMPLE = {
    "id": IMPORT_ID,
    "file_name": "客户名单-2026-03.csv",
    "validate_only": False,
    "total_rows": 3,
    "imported_rows": 1,
    "failed_rows": 1,
    "skipped_rows": 1,
    "rows": [
        {"line_number": 2, "status": "imported", "customer_id": CUSTOMER_ID, "errors": []},
        {
            "line_number": 3,
            "status": "failed",
            "customer_id": "",
            "errors": [
                {
                    "field": "phone",
                    "description": "不是有效的手机号码",
                    "reason": "INVALID_PHONE",
                    "localized_message": None,
                }
            ],
        },
        {
            "line_number": 4,
            "status": "skipped_duplicate",
            "customer_id": DUPLICATE_ID,
            "errors": [],
        },
    ],
    "actor_id": REP_ID,
    "create_time": TIME,
}

IMPORT_PAGE_EXAMPLE = {"imports": [IMPORT_EXAMPLE], "next_page_token": ""}

DUPLICATE_EXAMPLE = {
    "id": "1b3d5f7a-9c2e-4b4d-8f6a-8c0e2b4d6f8a",
    "customer_id": CUSTOMER_ID,
    "duplicate_customer_id": DUPLICATE_ID,
    "score": 0.92,
    "reasons": ["same_phone", "similar_name"],
    "state": "open",
    "detect_time": TIME,
    "dismissed_by": "",
}

DUPLICATE_PAGE_EXAMPLE = {"duplicate_candidates": [DUPLICATE_EXAMPLE], "next_page_token": ""}

MERGE_EXAMPLE = {
    "customer": CUSTOMER_EXAMPLE,
    "merge": {
        "id": "3c5e7a9b-1d2f-4c4e-9a6b-8d0f2c4e6a8b",
        "surviving_customer_id": CUSTOMER_ID,
        "merged_customer_ids": [DUPLICATE_ID],
        "actor_id": REP_ID,
        "reason": "同一家公司重复录入",
        "merge_time": LATER,
        "moved_contact_count": 2,
        "moved_tag_count": 1,
        "moved_timeline_entry_count": 5,
        "overridden_fields": ["phone"],
    },
}

HANDOVER_EXAMPLE = {
    "id": "5e7a9c1d-3f4b-4e6a-8c0d-2f4b6d8f0a2c",
    "from_user_id": REP_ID,
    "to_user_id": OTHER_REP_ID,
    "to_department_path": "/hq/sales/east",
    "customer_ids": [CUSTOMER_ID],
    "customer_count": 1,
    "reason": "员工离职",
    "actor_id": MANAGER_ID,
    "create_time": LATER,
}

PERSONAL_DATA_EXPORT_EXAMPLE = {
    "customer_id": CUSTOMER_ID,
    "source_service": "customer",
    "generate_time": LATER,
    "records": [
        {
            "resource_type": "contact",
            "resource_id": CONTACT_ID,
            "audit": {
                "create_time": TIME,
                "created_by": REP_ID,
                "update_time": TIME,
                "updated_by": REP_ID,
            },
            "data": {"name": "李娜", "phone": "13912345678", "email": "li.na@example.com"},
        }
    ],
}
