"""The public pages as operators configure them: the sites that may frame the web-to-lead form
reach the console as PUBLIC_LEAD_FORM_FRAME_ANCESTORS (none by default), and the public rate
limits of the gateway and of the console (`<server>.server.publicRateLimits`) reach each as
PUBLIC_RATE_LIMIT_* (the settings' defaults unless set)."""

from __future__ import annotations

import helm_python
import pytest
from chart_support import containers, env_of, merged_values, parse, render_chart


@pytest.mark.parametrize(
    ("sites", "expected"),
    [
        ([], ""),
        (
            ["https://www.example.com", "https://shop.example.com:8443"],
            "https://www.example.com https://shop.example.com:8443",
        ),
    ],
)
def test_the_sites_that_may_frame_the_lead_form_reach_the_console(sites, expected) -> None:
    values = {"console": {"publicLeadFormFrameAncestors": sites}}
    rendered = parse("frames", render_chart(values), merged_values(values))
    (console,) = rendered.components("console")
    assert env_of(containers(console)[0])["PUBLIC_LEAD_FORM_FRAME_ANCESTORS"] == {
        "name": "PUBLIC_LEAD_FORM_FRAME_ANCESTORS",
        "value": expected,
    }


# --- the public rate limits: values → PUBLIC_RATE_LIMIT_* of the gateway and of the console ---

LIMIT_ENV = {
    "perAddress": "PUBLIC_RATE_LIMIT_PER_ADDRESS",
    "perTarget": "PUBLIC_RATE_LIMIT_PER_TARGET",
    "windowSeconds": "PUBLIC_RATE_LIMIT_WINDOW_SECONDS",
}


def limits_env(rendered, server: str) -> dict[str, str]:
    (deployment,) = rendered.components(server)
    env = env_of(containers(deployment)[0])
    return {key: env[name]["value"] for key, name in LIMIT_ENV.items()}


def test_each_servers_public_rate_limits_come_from_its_own_values() -> None:
    values = {
        "gateway": {"server": {"publicRateLimits": {"perAddress": 120, "perTarget": 4}}},
        "console": {"server": {"publicRateLimits": {"perTarget": 7, "windowSeconds": 300}}},
    }
    rendered = parse("limits", render_chart(values), merged_values(values))  # one render

    assert limits_env(rendered, "gateway") == {
        "perAddress": "120",
        "perTarget": "4",
        "windowSeconds": "60",
    }
    assert limits_env(rendered, "console") == {
        "perAddress": "30",
        "perTarget": "7",
        "windowSeconds": "300",
    }


@pytest.mark.parametrize("server", ["gateway", "console"])
def test_by_default_the_public_rate_limits_are_the_settings_defaults(
    rendered_default, server
) -> None:
    assert limits_env(rendered_default, server) == {
        "perAddress": "30",
        "perTarget": "10",
        "windowSeconds": "60",
    }


@pytest.mark.parametrize(
    "limits",
    [
        {"perAddress": 0},
        {"perTarget": -1},
        {"windowSeconds": 3_601},
        {"perAddress": "30"},
    ],
    ids=["no-request", "negative", "window-over-an-hour", "a-string"],
)
def test_the_schema_refuses_a_limit_the_settings_would_refuse(limits) -> None:
    with pytest.raises(helm_python.HelmValuesError, match="publicRateLimits"):
        render_chart({"gateway": {"server": {"publicRateLimits": limits}}})
