"""The console's public pages as operators configure them: the sites that may frame the
web-to-lead form reach the console as PUBLIC_LEAD_FORM_FRAME_ANCESTORS (none by default)."""

from __future__ import annotations

import pytest
from chart_support import containers, env_of, merged_values, parse, render_chart


@pytest.mark.parametrize(("sites", "expected"), [
    ([], ""),
    (["https://www.example.com", "https://shop.example.com:8443"],
     "https://www.example.com https://shop.example.com:8443"),
])
def test_the_sites_that_may_frame_the_lead_form_reach_the_console(sites, expected) -> None:
    values = {"console": {"publicLeadFormFrameAncestors": sites}}
    rendered = parse("frames", render_chart(values), merged_values(values))
    (console,) = rendered.components("console")
    assert env_of(containers(console)[0])["PUBLIC_LEAD_FORM_FRAME_ANCESTORS"] == {
        "name": "PUBLIC_LEAD_FORM_FRAME_ANCESTORS", "value": expected}
