from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class DataScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_SCOPE_UNSPECIFIED: _ClassVar[DataScope]
    DATA_SCOPE_OWN: _ClassVar[DataScope]
    DATA_SCOPE_DEPARTMENT: _ClassVar[DataScope]
    DATA_SCOPE_ALL: _ClassVar[DataScope]
DATA_SCOPE_UNSPECIFIED: DataScope
DATA_SCOPE_OWN: DataScope
DATA_SCOPE_DEPARTMENT: DataScope
DATA_SCOPE_ALL: DataScope

class SealedValue(_message.Message):
    __slots__ = ("key_id", "ciphertext")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    ciphertext: bytes
    def __init__(self, key_id: _Optional[str] = ..., ciphertext: _Optional[bytes] = ...) -> None: ...
