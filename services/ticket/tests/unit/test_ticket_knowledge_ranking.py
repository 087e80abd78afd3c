"""Knowledge search terms and ranking: Chinese without spaces, English words, field weights."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ticket_service.knowledge import rank, search_text_of, snippet, terms
from ticket_service.models import KnowledgeArticle

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def article(id, title, body="", keywords=(), category="", product="", age_days=0):
    return KnowledgeArticle(id=id, title=title, body=body, keywords=list(keywords),
                            category=category, product=product,
                            update_time=T0 - timedelta(days=age_days))


def test_chinese_text_is_cut_into_character_bigrams():
    assert terms("退款失败") == ["退款", "款失", "失败"]
    assert terms("退") == ["退"]


def test_english_words_are_lower_cased_without_stopwords():
    assert terms("How to reset the Router password?") == ["reset", "router", "password"]


def test_mixed_text_keeps_model_numbers_whole():
    assert terms("X-200 路由器 重启") == ["x-200", "路由", "由器", "重启"]


def test_search_text_is_lower_cased_and_holds_every_field():
    text = search_text_of("Router", ["WiFi"], "Tech", "X-200", "Body")
    assert all(part in text for part in ("router", "wifi", "tech", "x-200", "body"))


def test_title_matches_rank_above_body_matches():
    in_title = article("a", "退款流程说明", body="联系客服")
    in_body = article("b", "常见问题", body="关于退款流程的说明")
    hits = rank([in_body, in_title], terms("退款流程"))
    assert [hit.article.id for hit in hits] == ["a", "b"]
    assert hits[0].score > hits[1].score > 0


def test_articles_matching_more_of_the_query_rank_higher():
    both = article("both", "router reboot loop")
    one = article("one", "router colours")
    hits = rank([one, both], terms("router reboot"))
    assert [hit.article.id for hit in hits] == ["both", "one"]


def test_articles_matching_nothing_are_left_out():
    assert rank([article("x", "发票开具")], terms("退款")) == []


def test_keywords_count_like_the_title():
    by_keyword = article("k", "Help", keywords=["invoice"])
    by_body = article("b", "Help", body="about the invoice")
    hits = rank([by_body, by_keyword], terms("invoice"))
    assert hits[0].article.id == "k"


def test_equal_scores_prefer_the_most_recently_changed():
    old = article("old", "退款", age_days=5)
    new = article("new", "退款", age_days=1)
    assert [hit.article.id for hit in rank([old, new], terms("退款"))] == ["new", "old"]


def test_snippet_is_cut_around_the_first_match():
    body = "甲" * 100 + "退款" + "乙" * 100
    piece = snippet(body, ["退款"])
    assert "退款" in piece and piece.startswith("…") and piece.endswith("…")
    assert len(piece) < 90
