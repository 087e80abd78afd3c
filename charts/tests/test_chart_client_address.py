"""The client address behind the ingress: `gateway.server.trustedProxies` and
`console.server.trustedProxies` become HTTP_TRUSTED_PROXIES, so the gateway's login throttle
keys on each client's address and not on the ingress controller's (or the console's), which
every request behind it would otherwise share (issue 15, finding 7). The console forwards the
address it finds to the gateway when someone signs in.
"""

from __future__ import annotations

import helm_python
import pytest
from chart_support import Rendered, env_of, merged_values, parse, pod_spec, render_chart

SERVERS = ("gateway", "console")


def server_env(rendered: Rendered, server: str) -> dict[str, dict]:
    (deployment,) = rendered.components(server)
    (container,) = pod_spec(deployment)["containers"]
    return env_of(container)


@pytest.mark.parametrize("server", SERVERS)
def test_each_server_trusts_the_hops_its_values_name(rendered: Rendered, server: str) -> None:
    hops = rendered.values[server]["server"]["trustedProxies"]
    assert server_env(rendered, server)["HTTP_TRUSTED_PROXIES"] == {
        "name": "HTTP_TRUSTED_PROXIES",
        "value": str(hops),
    }


@pytest.mark.parametrize("server", SERVERS)
def test_by_default_the_one_hop_is_the_ingress_controller(
    rendered_default: Rendered, server: str
) -> None:
    assert server_env(rendered_default, server)["HTTP_TRUSTED_PROXIES"]["value"] == "1"


def test_a_load_balancer_in_front_of_the_ingress_is_one_more_hop() -> None:
    values = {
        "gateway": {"server": {"trustedProxies": 2}},
        "console": {"server": {"trustedProxies": 2}},
    }
    rendered = parse("lb", render_chart(values), merged_values(values))
    for server in SERVERS:
        assert server_env(rendered, server)["HTTP_TRUSTED_PROXIES"]["value"] == "2"


@pytest.mark.parametrize("hops", [-1, 6, "1"], ids=["negative", "too-many", "a-string"])
@pytest.mark.parametrize("server", SERVERS)
def test_the_schema_refuses_what_is_no_hop_count(server: str, hops: object) -> None:
    with pytest.raises(helm_python.HelmValuesError, match="trustedProxies"):
        render_chart({server: {"server": {"trustedProxies": hops}}})
