"""The customer processes' settings: the shared ones plus the personal-field keys.

``FIELD_ENCRYPTION_KEY`` (base64 of 32 random bytes) is required by the api: without it, it
would store sensitive fields it could not read back after a restart. The worker handles no
sensitive field, so neither the chart nor ``make run`` gives it the key; it still accepts one.
``FIELD_ENCRYPTION_PREVIOUS_KEYS`` (comma-separated, same form) keeps values sealed before a
key rotation readable. The migrate job needs neither.
"""

from __future__ import annotations

from typing import ClassVar

from crm_shared.settings import ApiSettings, WorkerSettings
from pydantic import SecretStr, ValidationInfo, field_validator

from customer_service.personal_data import FieldKeyError, FieldKeys, decode_key


class FieldKeySettings:
    field_encryption_key: SecretStr
    field_encryption_previous_keys: SecretStr = SecretStr("")

    key_required: ClassVar[bool] = True

    @field_validator("field_encryption_key", "field_encryption_previous_keys")
    @classmethod
    def _keys_are_usable(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        if (
            info.field_name == "field_encryption_key"
            and cls.key_required
            and not value.get_secret_value()
        ):
            raise ValueError("must be set (base64 of 32 random bytes)")
        for part in value.get_secret_value().split(","):
            if part.strip():
                try:
                    decode_key(part)
                except FieldKeyError as exc:
                    raise ValueError(str(exc)) from None
        return value

    @property
    def field_keys(self) -> FieldKeys:
        return FieldKeys.from_base64(
            self.field_encryption_key.get_secret_value(),
            self.field_encryption_previous_keys.get_secret_value(),
        )


class CustomerApiSettings(FieldKeySettings, ApiSettings):
    pass


class CustomerWorkerSettings(FieldKeySettings, WorkerSettings):
    key_required: ClassVar[bool] = False
    field_encryption_key: SecretStr = SecretStr("")

    @property
    def field_keys(self) -> FieldKeys | None:
        return super().field_keys if self.field_encryption_key.get_secret_value() else None
