"""Per-record visibility: one rule, used in memory and as a SQL clause.

A record is visible to its owner; to a caller with ``department`` scope when the record's
department path lies inside the caller's department subtree; to ``all`` scope always.
Path containment is by whole segments: ``/hq/sales`` contains ``/hq/sales/east`` but not
``/hq/salesforce``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from crm_shared.auth.principal import DataScope, Principal


def in_subtree(path: str, root: str) -> bool:
    root = root.rstrip("/")
    return path == root or path.startswith(root + "/")


def can_see(principal: Principal, *, owner_id: str, department_path: str) -> bool:
    if principal.data_scope is DataScope.ALL:
        return True
    if owner_id == principal.user_id:
        return True
    return principal.data_scope is DataScope.DEPARTMENT and in_subtree(
        department_path, principal.department_path
    )


def visibility_clause(principal: Principal, owner_column, department_column) -> ColumnElement[bool]:
    """The SQL form of :func:`can_see` for list queries."""
    if principal.data_scope is DataScope.ALL:
        return true()
    own = owner_column == principal.user_id
    if principal.data_scope is DataScope.DEPARTMENT:
        root = principal.department_path.rstrip("/")
        escaped = root.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return or_(
            own,
            department_column == root,
            department_column.like(escaped + "/%", escape="\\"),
        )
    return own
