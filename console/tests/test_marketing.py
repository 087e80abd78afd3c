"""The marketing pages' pure logic: the rule builder's choices come from the contract, and the
forms (segment rows, campaign variants, survey questions) become the requests the service
expects; the results charts carry what the service answered."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from crm.common.v1 import rules_pb2
from crm.marketing.v1 import marketing_pb2
from crm_console import i18n
from crm_console.refusals import Refusal
from crm_console.views import marketing_campaigns as campaigns
from crm_console.views import marketing_rules as rules
from crm_console.views import marketing_segments as segments
from crm_console.views import marketing_surveys as surveys
from werkzeug.datastructures import MultiDict

# --- the rule builder's choices -----------------------------------------------------------------


def test_rule_fields_are_the_ones_the_contract_lists_on_segment():
    proto = resources.files("crm.marketing.v1").joinpath("marketing.proto").read_text("utf-8")
    comment = proto[proto.index("// Fields a rule can read:"):proto.index("message Segment {")]
    listed = re.findall(r"`([a-z0-9_]+)`", comment)
    assert rules.rule_fields() == tuple(listed)
    assert {"value_class", "tags", "birth_date", "campaign_responses_90d"} <= set(listed)


def test_fields_in_comment_stops_at_the_end_of_the_list():
    text = ("// Something else `x`.\n// Fields a rule can read: `a`, `b_c` (minor units),\n"
            "// `d`.\n// More about `not_a_field`.\nmessage Thing {\n")
    assert rules.fields_in_comment(text, "message Thing {") == ("a", "b_c", "d")


def test_operators_and_match_modes_are_every_value_of_the_contract_enums():
    numbers = [number for number, _label in rules.operators()]
    assert numbers == [v.number for v in rules_pb2.ConditionOperator.DESCRIPTOR.values
                       if v.number]
    assert dict(rules.operators())[rules_pb2.CONDITION_OPERATOR_WITHIN_NEXT_DAYS] == \
        "Within next days"
    assert [label for _n, label in rules.match_modes()] == ["All", "Any"]


def test_enum_valued_fields_suggest_their_full_value_names():
    assert [name for name, _label in rules.value_suggestions("value_class")] == [
        "VALUE_CLASS_A", "VALUE_CLASS_B", "VALUE_CLASS_C"]
    assert rules.value_suggestions("industry") == []


def test_every_rule_field_and_contract_dimension_has_chinese():
    chinese = i18n.load_catalogs()["zh-CN"]
    labels = [rules.field_label_id(name) for name in rules.rule_fields()]
    labels += [surveys.dimension_label_id(key) for key in surveys.dimensions()]
    assert "Response speed" in labels
    missing = [label for label in labels if not chinese._catalog.get(label)]
    assert not missing


# --- segment rows ⇄ rule ------------------------------------------------------------------------


def _rule_form(*rows, match="2"):
    form = MultiDict({"rule.match": match})
    for index, (field, operator, values) in enumerate(rows):
        form[f"rule.conditions[{index}].field"] = field
        form[f"rule.conditions[{index}].operator"] = str(operator)
        form[f"rule.conditions[{index}].values"] = values
    return form


def test_rows_become_the_rule_with_values_split_on_either_comma_and_blank_rows_dropped():
    form = _rule_form(("value_class", rules_pb2.CONDITION_OPERATOR_IN, "VALUE_CLASS_A，VALUE_CLASS_B"),
                      ("", rules_pb2.CONDITION_OPERATOR_EQUALS, ""),
                      ("at_risk", rules_pb2.CONDITION_OPERATOR_EXISTS, ""))
    rows = rules.rows_from_form(form)
    rule = rules.rule_of(form["rule.match"], rows)
    assert rule.match == rules_pb2.MATCH_MODE_ANY
    assert [(c.field, c.operator, list(c.values)) for c in rule.conditions] == [
        ("value_class", rules_pb2.CONDITION_OPERATOR_IN, ["VALUE_CLASS_A", "VALUE_CLASS_B"]),
        ("at_risk", rules_pb2.CONDITION_OPERATOR_EXISTS, [])]


def test_rows_come_back_in_index_order_with_gaps_closed():
    form = MultiDict({"rule.conditions[5].field": "tags", "rule.conditions[1].field": "industry"})
    assert [row.field for row in rules.rows_from_form(form)] == ["industry", "tags"]


def test_a_saved_rule_fills_the_rows_again():
    rule = rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
        field="spend_12m", operator=rules_pb2.CONDITION_OPERATOR_BETWEEN, values=["1", "9"])])
    values = rules.form_values("1", rules.rows_from_rule(rule))
    assert values["rule.conditions[0].values"] == "1, 9"
    assert values["rule.conditions[0].operator"] == str(rules_pb2.CONDITION_OPERATOR_BETWEEN)


def test_violations_land_on_the_row_input_they_are_about():
    shown = rules.row_errors({"rule.conditions[1].values[0]": "must be a number",
                              "rule.conditions[0].operator": "does not apply to tags",
                              "rule.conditions[2]": "odd", "display_name": "is required"})
    assert shown == {"rule.conditions[1].values": "must be a number",
                     "rule.conditions[0].operator": "does not apply to tags",
                     "rule.conditions[2].values": "odd", "display_name": "is required"}
    assert segments.preview_problems({"rule.conditions[1].values[0]": "must be a number"}) == {
        "Condition 2 · Values": "must be a number"}


def test_builder_adds_and_removes_rows_and_always_keeps_one():
    rows = [rules.Row(field="tags")]
    rows = rules.apply_builder_action(rows, "add")
    assert [row.field for row in rows] == ["tags", ""]
    rows = rules.apply_builder_action(rows, "remove:0")
    assert [row.field for row in rows] == [""]
    assert len(rules.apply_builder_action(rows, "remove:0")) == 1
    assert rules.apply_builder_action(rows, "remove:x") == rows


# --- campaign form ------------------------------------------------------------------------------


def test_variants_are_split_evenly_in_whole_percents_after_add_or_remove():
    assert campaigns.even_split(3) == [34, 33, 33]
    rows = [campaigns.VariantRow(id="A", weight_percent="50"),
            campaigns.VariantRow(id="B", weight_percent="50")]
    rows = campaigns.apply_variant_action(rows, "add")
    assert [(r.id, r.weight_percent) for r in rows] == [("A", "34"), ("B", "33"), ("C", "33")]
    rows = campaigns.apply_variant_action(rows, "remove:0")
    assert [(r.id, r.weight_percent) for r in rows] == [("B", "50"), ("C", "50")]


def test_the_campaign_form_becomes_a_campaign_with_its_variants_budget_and_times(app_context):
    form = MultiDict([("name", " Spring "), ("channel", "2"), ("segment_ids", "s1"),
                      ("segment_ids", "s2"), ("budget", "5,000.5"),
                      ("end_time", "2030-01-02T09:30"),
                      ("variants[0].id", "A"), ("variants[0].weight_percent", "60"),
                      ("variants[0].body", "您好 {{display_name}}"),
                      ("variants[1].id", "B"), ("variants[1].weight_percent", "40"),
                      ("variants[1].template_key", "marketing.spring")])
    campaign = campaigns.campaign_of(form, campaigns.variants_from_form(form))
    assert campaign.name == "Spring" and campaign.channel == 2
    assert list(campaign.segment_ids) == ["s1", "s2"]
    assert [(v.id, v.weight_percent, v.body, v.template_key) for v in campaign.variants] == [
        ("A", 60, "您好 {{display_name}}", ""), ("B", 40, "", "marketing.spring")]
    assert (campaign.budget.currency_code, campaign.budget.amount_minor) == ("CNY", 500050)
    assert campaign.end_time.ToJsonString() == "2030-01-02T01:30:00Z"  # Shanghai is UTC+8


def test_a_bad_amount_or_time_is_a_field_error(app_context):
    with pytest.raises(Refusal) as refused:
        campaigns.money_minor("lots", "budget")
    assert set(refused.value.field_errors) == {"budget"}
    with pytest.raises(Refusal) as refused:
        campaigns.parse_local_time("tomorrow", "schedule_time")
    assert refused.value.status == 422 and set(refused.value.field_errors) == {"schedule_time"}
    assert campaigns.parse_local_time("", "schedule_time") is None


def test_the_charts_carry_the_statistics_per_variant():
    campaign = marketing_pb2.Campaign(variants=[marketing_pb2.CampaignVariant(id="A"),
                                                marketing_pb2.CampaignVariant(id="B")])
    campaign.stats.audience_count = 10
    campaign.stats.sent_count = 8
    campaign.stats.variants.add(variant_id="B", sent_count=3, delivered_count=2, response_count=1)
    variants = campaigns.variants_chart(campaign)
    assert variants["xAxis"]["data"] == ["A", "B"]
    assert [s["data"] for s in variants["series"]] == [[0, 3], [0, 2], [0, 1]]
    assert campaigns.funnel_chart(campaign)["series"][0]["data"] == [10, 8, 0, 0]


# --- survey form and results ------------------------------------------------------------------


def test_the_question_builder_becomes_keyed_questions():
    form = MultiDict([("title", "回访"), ("kind", "1"),
                      ("questions[0].text", "速度"), ("questions[0].type", "1"),
                      ("questions[0].dimension", "Response_Speed"),
                      ("questions[0].required", "true"),
                      ("questions[0].options", "ignored"),
                      ("questions[1].text", "渠道"), ("questions[1].type", "4"),
                      ("questions[1].options", "电话\n\n微信\n")])
    survey = surveys.survey_of(form, surveys.questions_from_form(form))
    assert survey.state == marketing_pb2.SURVEY_STATE_DRAFT
    assert [(q.id, q.type, q.dimension, q.required, list(q.options)) for q in survey.questions] == [
        ("q1", 1, "response_speed", True, []), ("q2", 4, "", False, ["电话", "微信"])]


def test_question_rows_are_added_and_removed():
    rows = surveys.apply_question_action([surveys.QuestionRow(text="a")], "add")
    assert len(rows) == 2
    assert [r.text for r in surveys.apply_question_action(rows, "remove:1")] == ["a"]


def test_survey_results_chart_and_low_score_share():
    results = marketing_pb2.SurveyResults(dimensions=[
        marketing_pb2.DimensionResult(dimension="response_speed", average_score=3.5,
                                      low_score_share=0.25, answer_count=4),
        marketing_pb2.DimensionResult(dimension="overall", average_score=4.0,
                                      low_score_share=0.0, answer_count=4),
        marketing_pb2.DimensionResult(dimension="nps", average_score=8, answer_count=4)])
    chart = surveys.dimensions_chart(results)
    assert chart["xAxis"]["data"] == ["Response speed", "Overall"]
    assert chart["series"][0]["data"] == [3.5, 4.0]
    assert chart["series"][1]["data"] == [25.0, 0.0]
    assert surveys.low_score_share(results) == pytest.approx(0.125)
    assert surveys.low_score_share(marketing_pb2.SurveyResults()) is None
