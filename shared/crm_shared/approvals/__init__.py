"""Approvals: the one mechanism by which a service's record waits for someone's decision
(issue 18; docs/approvals.md says why it is a library with a table in each service rather than
a service of its own).

- :mod:`.policies` — a policy is data (``crm.common.v1.ApprovalPolicy``): which records of a
  subject need approval (a condition over the subject's facts, :mod:`crm_shared.conditions`),
  its steps, deadlines, reminder and escalation; checked, stored as one JSON document, and
  judged against a record.
- :mod:`.approvers` — who may decide a step: the requester's department lead, a role, named
  users; any one of a step's approvers decides it.
- :mod:`.machine` — the request's states (pending → approved / rejected / escalated →
  expired), its deadlines and what a timer does at a given moment. Pure: ``now`` is given.
- :mod:`.tables` — the columns of the policy, request and assignee tables each service declares
  on its own metadata (and creates in its own migration).
- :mod:`.views` — those rows as ``crm.common.v1`` messages.
"""
