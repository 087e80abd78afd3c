"""The gRPC bootstrap and client factory, in-process, against a real database and broker.

The servicer here is a probe implementing the real CustomerService contract whose methods
do what each test needs (wait, fail, echo the caller), so the runtime's behaviour around a
call can be observed.
"""

import threading

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.ports import free_port
from crm_devstack.suite import SERVICES, Suite, SuiteConfig
from crm_devstack.waiting import wait_until
from crm_shared.auth import TokenIssuer, current_principal, generate_signing_key, principal_scope
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database, RuntimeBase
from crm_shared.errors import FieldViolation, InvalidArgument, Unavailable
from crm_shared.grpc.client import LazyStub, connect
from crm_shared.grpc.server import GrpcApi, ServiceBinding
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.settings import ApiSettings
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from sqlalchemy import text

pytestmark = pytest.mark.integration
SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]


class ProbeServicer(customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self):
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls = {"ListCustomers": 0, "CreateCustomer": 0}
        self.unavailable_lists = 0

    def GetCustomer(self, request, context):
        if request.id == "slow":
            self.entered.set()
            self.release.wait(20)
        if request.id == "boom":
            raise RuntimeError("secret detail that must not leak")
        if request.id == "database-down":  # a database restarting: its port refuses
            down = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")
            try:
                with down.unit_of_work(readonly=True) as uow:
                    uow.session.execute(text("SELECT 1"))
            finally:
                down.dispose()
        if request.id == "invalid":
            raise InvalidArgument([FieldViolation("id", "must look like a customer id")])
        principal = current_principal()
        return customer_pb2.Customer(id=request.id, owner_id=principal.user_id,
                                     department_path=principal.department_path)

    def ListCustomers(self, request, context):
        self.calls["ListCustomers"] += 1
        if self.unavailable_lists > 0:
            self.unavailable_lists -= 1
            raise Unavailable("try again")
        return customer_pb2.ListCustomersResponse()

    def CreateCustomer(self, request, context):
        self.calls["CreateCustomer"] += 1
        raise Unavailable("not processed")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "k.pem", folder / "k.pub")
    return folder


@pytest.fixture
def issuer(keys):
    return TokenIssuer((keys / "k.pem").read_bytes(), issuer="crm-gateway", audience="crm")


def _token(issuer, user="u-1"):
    return issuer.issue(user_id=user, username=user, roles=["sales_rep"],
                        department_path="/hq/sales/east", data_scope="own")


def _start(keys, tmp_path, amqp_url, **overrides):
    settings = ApiSettings(
        service_name="customer",
        database_url=f"sqlite:///{tmp_path / 'api.db'}",
        amqp_url=amqp_url,
        jwt_public_key_file=keys / "k.pub",
        health_check_seconds=0.2,
        outbox_relay=False,
        **overrides,
    )
    database = Database(settings.database_url)
    RuntimeBase.metadata.create_all(database.engine)
    probe = ProbeServicer()
    verifier = TokenVerifier.from_file(keys / "k.pub", issuer="crm-gateway", audience="crm")
    api = GrpcApi(settings, database, [ServiceBinding(
        SERVICE, probe, customer_pb2_grpc.add_CustomerServiceServicer_to_server)], verifier)
    port = api.start("127.0.0.1:0")
    return api, probe, f"127.0.0.1:{port}"


@pytest.fixture
def server(keys, tmp_path, amqp_url):
    api, probe, target = _start(keys, tmp_path, amqp_url)
    yield api, probe, target
    api.stop(grace=0)


def _health(target, service=""):
    with grpc.insecure_channel(target) as channel:
        return health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=2).status


def test_health_is_serving_while_database_and_broker_answer(server):
    _, _, target = server
    wait_until(lambda: _health(target) == health_pb2.HealthCheckResponse.SERVING, timeout=10)
    assert _health(target, SERVICE.full_name) == health_pb2.HealthCheckResponse.SERVING


def test_health_is_not_serving_when_the_broker_is_unreachable(keys, tmp_path):
    api, _, target = _start(keys, tmp_path, f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    try:
        wait_until(lambda: api._checker is not None, timeout=5)
        # give the checker a few rounds: it must stay NOT_SERVING
        for _ in range(3):
            api._stopping.wait(0.3)
            assert _health(target) == health_pb2.HealthCheckResponse.NOT_SERVING
    finally:
        api.stop(grace=0)


def _reflected_services(target) -> set[str]:
    with grpc.insecure_channel(target) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        responses = stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        return {s.name for r in responses for s in r.list_services_response.service}


def test_reflection_is_off_by_default(server):
    """Outside development nobody gets the list of every RPC and message for free."""
    _, _, target = server
    with pytest.raises(grpc.RpcError) as refused:
        _reflected_services(target)
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_the_devstack_turns_reflection_on_and_it_answers_without_a_token(
        keys, tmp_path, amqp_url, monkeypatch):
    suite = Suite(SuiteConfig(data_dir=tmp_path / "suite", amqp_url=amqp_url))
    for service in SERVICES:
        assert suite.env_for(service, "api")["GRPC_REFLECTION"] == "true"
    monkeypatch.setenv("GRPC_REFLECTION", suite.env_for("customer", "api")["GRPC_REFLECTION"])
    api, _, target = _start(keys, tmp_path, amqp_url)
    try:
        names = _reflected_services(target)
    finally:
        api.stop(grace=0)
    assert SERVICE.full_name in names
    assert "grpc.health.v1.Health" in names


@pytest.mark.parametrize("metadata", [(), (("authorization", "Bearer nonsense"),),
                                      (("authorization", "Basic dXNlcjpwdw=="),)])
def test_calls_without_a_valid_token_are_unauthenticated(server, metadata):
    _, _, target = server
    with grpc.insecure_channel(target) as channel:
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCustomer(customer_pb2.GetCustomerRequest(id="x"), metadata=metadata, timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_servicer_sees_the_caller_from_the_token(server, issuer):
    _, _, target = server
    with grpc.insecure_channel(target) as channel:
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        got = stub.GetCustomer(customer_pb2.GetCustomerRequest(id="x"),
                               metadata=[("authorization", f"Bearer {_token(issuer, 'u-42')}")], timeout=5)
    assert (got.owner_id, got.department_path) == ("u-42", "/hq/sales/east")


def test_domain_error_becomes_status_with_field_violations(server, issuer):
    _, _, target = server
    with grpc.insecure_channel(target) as channel:
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCustomer(customer_pb2.GetCustomerRequest(id="invalid"),
                             metadata=[("authorization", f"Bearer {_token(issuer)}")], timeout=5)
    error = describe_rpc_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.reason == "INVALID_ARGUMENT"
    assert [(v.field, v.description) for v in error.violations] == [("id", "must look like a customer id")]


def test_unexpected_error_is_internal_without_details(server, issuer):
    _, _, target = server
    with grpc.insecure_channel(target) as channel:
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCustomer(customer_pb2.GetCustomerRequest(id="boom"),
                             metadata=[("authorization", f"Bearer {_token(issuer)}")], timeout=5)
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    assert "secret" not in caught.value.details()
    assert "Traceback" not in caught.value.details()
    assert caught.value.details().startswith("internal error")


def test_shutdown_drains_the_call_in_flight(server, issuer):
    api, probe, target = server
    channel = grpc.insecure_channel(target)
    stub = customer_pb2_grpc.CustomerServiceStub(channel)
    outcome = {}

    def slow_call():
        try:
            outcome["reply"] = stub.GetCustomer(
                customer_pb2.GetCustomerRequest(id="slow"),
                metadata=[("authorization", f"Bearer {_token(issuer)}")], timeout=20)
        except grpc.RpcError as exc:
            outcome["error"] = exc.code()

    caller = threading.Thread(target=slow_call)
    caller.start()
    assert probe.entered.wait(10)
    stopper = threading.Thread(target=api.stop, kwargs={"grace": 15})
    stopper.start()
    wait_until(lambda: api._stopping.is_set(), timeout=5)
    probe.release.set()
    caller.join(20)
    stopper.join(20)
    channel.close()
    assert "error" not in outcome, outcome
    assert outcome["reply"].id == "slow"


def test_client_puts_a_deadline_on_every_call(server, issuer):
    _, probe, target = server
    channel = connect(target, [SERVICE], default_timeout=0.5)
    stub = customer_pb2_grpc.CustomerServiceStub(channel)
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetCustomer(customer_pb2.GetCustomerRequest(id="slow"),
                         metadata=[("authorization", f"Bearer {_token(issuer)}")])
    probe.release.set()
    channel.close()
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_client_forwards_the_current_principals_token(server, issuer, keys):
    _, _, target = server
    verifier = TokenVerifier.from_file(keys / "k.pub", issuer="crm-gateway", audience="crm")
    caller = verifier.verify(_token(issuer, "u-7"))
    channel = connect(target, [SERVICE])
    with principal_scope(caller):
        got = customer_pb2_grpc.CustomerServiceStub(channel).GetCustomer(
            customer_pb2.GetCustomerRequest(id="x"))
    channel.close()
    assert got.owner_id == "u-7"


def test_client_retries_idempotent_reads_but_not_writes(server, issuer):
    _, probe, target = server
    channel = connect(target, [SERVICE], token_provider=lambda: _token(issuer))
    stub = customer_pb2_grpc.CustomerServiceStub(channel)
    probe.unavailable_lists = 2
    stub.ListCustomers(customer_pb2.ListCustomersRequest())
    assert probe.calls["ListCustomers"] == 3
    with pytest.raises(grpc.RpcError) as caught:
        stub.CreateCustomer(customer_pb2.CreateCustomerRequest())
    channel.close()
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert probe.calls["CreateCustomer"] == 1


def test_a_database_that_cannot_be_reached_is_unavailable_not_internal(server, issuer):
    """A restart of the database (the chaos harness, issue 17) is the caller's to retry: the
    gateway maps UNAVAILABLE to 503 with Retry-After, INTERNAL to 500."""
    _, _, target = server
    with grpc.insecure_channel(target) as channel:
        stub = customer_pb2_grpc.CustomerServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCustomer(customer_pb2.GetCustomerRequest(id="database-down"),
                             metadata=[("authorization", f"Bearer {_token(issuer)}")], timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert caught.value.details() == "the database is unavailable; retry later"


def test_a_lazy_stub_connects_on_first_use_shares_one_stub_and_reconnects_after_close(
        server, issuer):
    _, _, target = server
    down = LazyStub(f"127.0.0.1:{free_port()}", SERVICE, customer_pb2_grpc.CustomerServiceStub,
                    default_timeout=1)  # a peer not up yet: making the stub does not fail
    with pytest.raises(grpc.RpcError) as caught:
        down().CreateCustomer(customer_pb2.CreateCustomerRequest())  # not retried
    down.close()
    # the call says the peer is unreachable, not the start of the process that made the stub
    assert caught.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)

    stub = LazyStub(target, SERVICE, customer_pb2_grpc.CustomerServiceStub,
                    default_timeout=2, token_provider=lambda: _token(issuer, "u-9"))
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(stub())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in seen}) == 1  # one stub (one channel) for every thread
    assert stub().GetCustomer(customer_pb2.GetCustomerRequest(id="x")).owner_id == "u-9"
    first = stub()
    stub.close()
    assert stub() is not first  # a closed stub connects again on the next use
    assert stub().GetCustomer(customer_pb2.GetCustomerRequest(id="y")).owner_id == "u-9"
    stub.close()


def test_a_request_that_is_not_its_message_is_invalid_argument_not_internal(server, issuer):
    """Bytes that do not parse as the RPC's message (here a string field that is not UTF-8,
    which protobuf refuses) are the caller's error: INVALID_ARGUMENT, never grpcio's INTERNAL
    "Exception deserializing request!"."""
    _, _, target = server
    not_utf8 = b"\x0a\x04\xff\xfe\xfd\xfc"  # GetCustomerRequest.id = 4 bytes that are no UTF-8
    with grpc.insecure_channel(target) as channel:
        raw = channel.unary_unary(f"/{SERVICE.full_name}/GetCustomer",
                                  request_serializer=None, response_deserializer=None)
        with pytest.raises(grpc.RpcError) as caught:
            raw(not_utf8, metadata=[("authorization", f"Bearer {_token(issuer)}")], timeout=5)
    error = describe_rpc_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.message == "the request is not a valid crm.customer.v1.GetCustomerRequest"
