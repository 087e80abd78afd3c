"""The customer processes' settings: the shared ones plus the personal-field keys.

``FIELD_ENCRYPTION_KEY`` (base64 of 32 random bytes) is required by the api: without it, it
would store sensitive fields it could not read back after a restart. The worker handles no
sensitive field, so neither the chart nor ``make run`` gives it the key; it still accepts one.
``FIELD_ENCRYPTION_PREVIOUS_KEYS`` (comma-separated, same form) keeps values sealed before a
key rotation readable. The migrate job needs neither.
"""

from __future__ import annotations

from typing import ClassVar

from crm_shared.attachments import AttachmentStoreSettings
from crm_shared.field_keys import FieldKeys, FieldKeySettings
from crm_shared.settings import ApiSettings, WorkerSettings
from pydantic import SecretStr


class CustomerApiSettings(FieldKeySettings, AttachmentStoreSettings, ApiSettings):
    """The api also holds the attachment store (``ATTACHMENT_STORE``...): it uploads, streams and
    erases attachments; the worker touches none."""


class CustomerWorkerSettings(FieldKeySettings, WorkerSettings):
    key_required: ClassVar[bool] = False
    field_encryption_key: SecretStr = SecretStr("")

    @property
    def field_keys(self) -> FieldKeys | None:
        return super().field_keys if self.field_encryption_key.get_secret_value() else None
