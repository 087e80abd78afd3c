"""Proto enums stored by their short lower-case names, so rows and REST bodies read
``in_progress`` rather than ``TICKET_STATE_IN_PROGRESS`` or a number."""

from __future__ import annotations


class EnumNames:
    """Short names of one proto enum: ``TICKET_STATE_IN_PROGRESS`` ⇄ ``in_progress``."""

    def __init__(self, enum, prefix: str) -> None:
        self.enum = enum
        self.prefix = prefix
        self.by_value = {value.number: value.name.removeprefix(prefix).lower()
                         for value in enum.DESCRIPTOR.values if value.number != 0}
        self.by_name = {name: number for number, name in self.by_value.items()}

    def name(self, value: int) -> str:
        """The short name, or ``""`` for unspecified/unknown values."""
        return self.by_value.get(value, "")

    def value(self, name: str | None) -> int:
        return self.by_name.get(name or "", 0)
