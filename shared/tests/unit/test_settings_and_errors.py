import grpc
import pydantic
import pytest
from crm_shared.errors import (
    HTTP_STATUS_BY_GRPC_CODE,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from crm_shared.grpc.status import to_grpc_status
from crm_shared.settings import ApiSettings, ConfigurationError, WorkerSettings, load_settings
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def test_missing_and_malformed_variables_are_all_named(monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("JWT_PUBLIC_KEY_FILE", raising=False)
    monkeypatch.setenv("GRPC_PORT", "not-a-number")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(ApiSettings, service_name="customer")
    assert caught.value.code == 2
    message = caught.value.message
    for name in ("DATABASE_URL", "JWT_PUBLIC_KEY_FILE", "GRPC_PORT"):
        assert name in message
    assert "Configuration error" in capsys.readouterr().err


def test_key_file_that_does_not_exist_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("JWT_PUBLIC_KEY_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match="JWT_PUBLIC_KEY_FILE"):
        load_settings(ApiSettings, service_name="customer")


def test_settings_are_frozen_and_parse_retry_delays(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("EVENT_RETRY_DELAYS", "0.5, 2,10")
    settings = load_settings(WorkerSettings, service_name="notification")
    assert settings.retry_delays_seconds == (0.5, 2.0, 10.0)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        settings.database_url = "other"


def test_invalid_argument_carries_field_violations_in_the_status():
    error = InvalidArgument([FieldViolation("customer.phone", "not a mobile number"),
                             FieldViolation("customer.email", "not an email address")])
    status = rpc_status.to_status  # noqa: F841 - keep the import honest
    grpc_status = to_grpc_status(error)
    assert grpc_status.code == grpc.StatusCode.INVALID_ARGUMENT
    from google.rpc import status_pb2
    proto = status_pb2.Status.FromString(dict(grpc_status.trailing_metadata)["grpc-status-details-bin"])
    bad = error_details_pb2.BadRequest()
    assert any(d.Unpack(bad) for d in proto.details if d.Is(bad.DESCRIPTOR))
    assert [(v.field, v.description) for v in bad.field_violations] == [
        ("customer.phone", "not a mobile number"), ("customer.email", "not an email address")]


def test_not_found_maps_to_404_through_the_table():
    assert HTTP_STATUS_BY_GRPC_CODE[NotFound("x").grpc_code] == 404


def test_every_grpc_code_has_an_http_status():
    assert set(HTTP_STATUS_BY_GRPC_CODE) == set(grpc.StatusCode)
