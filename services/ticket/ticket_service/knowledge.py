"""The knowledge base: solved cases, reply templates and FAQs, and their search.

Who sees what: published articles are there for every member of staff, and those marked
``public`` also for anyone in the public help centre (no account; nothing but the article's
text, see ``SearchPublicKnowledgeArticles``); drafts and archived
articles only for their author, the department that maintains them (its subtree for a
department scope) and ``all`` scopes. Who may change an article: its author, a department
scope covering the maintaining department, or ``all``.

Search works without a full-text engine, the same on SQLite and PostgreSQL: the text is cut
into terms — latin words and digit runs, and for Chinese (written without spaces) single
characters and character bigrams — the database narrows the published articles down to those
whose lower-cased ``search_text`` contains any term, and Python ranks them: each matched term
counts by the field it is found in (title and keywords most, body least), weighted by how rare
the term is among the candidates, times the share of the query's terms the article matches.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import DataScope, Principal, can_see, visibility_clause
from crm_shared.errors import FieldViolation
from crm_shared.grpc.enums import EnumNames
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ticket_service.models import KnowledgeArticle

KINDS = EnumNames(ticket_pb2.KnowledgeArticleKind, "KNOWLEDGE_ARTICLE_KIND_")
STATES = EnumNames(ticket_pb2.KnowledgeArticleState, "KNOWLEDGE_ARTICLE_STATE_")
DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
LOCALES = ("zh-CN", "en-US")
MAX_KEYWORDS = 30
# Terms sent to the database per search; a longer query is cut (its first terms count most).
MAX_SQL_TERMS = 40
# Articles ranked per search at most; the pre-filter keeps this far above a normal hit list.
MAX_CANDIDATES = 2000
FIELD_WEIGHTS = {"title": 3.0, "keywords": 3.0, "category": 2.0, "product": 2.0, "body": 1.0}
SNIPPET_RADIUS = 40
ENGLISH_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "i",
    "in", "is", "it", "my", "of", "on", "or", "our", "the", "this", "to", "was", "we", "what",
    "when", "where", "which", "who", "why", "with", "you", "your", "can", "not", "no", "do",
    "does",
})
_LATIN = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


# -- terms and ranking (pure) --------------------------------------------------------------------


def terms(text: str) -> list[str]:
    """Search terms of a text, distinct, in order of appearance."""
    text = text.lower()
    found: list[str] = []
    for match in _LATIN.finditer(text):
        word = match.group()
        if word not in ENGLISH_STOPWORDS and (len(word) > 1 or word.isdigit()):
            found.append(word)
    for match in _CJK.finditer(text):
        run = match.group()
        if len(run) == 1:
            found.append(run)
        else:
            found.extend(run[i:i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(found))


def search_text_of(title: str, keywords: list[str], category: str, product: str, body: str) -> str:
    return "\n".join([title, " ".join(keywords), category, product, body]).lower()


@dataclass(frozen=True)
class Hit:
    article: KnowledgeArticle
    score: float
    snippet: str


def _fields(article: KnowledgeArticle) -> dict[str, str]:
    return {
        "title": article.title.lower(),
        "keywords": "\n".join(article.keywords).lower(),
        "category": article.category.lower(),
        "product": article.product.lower(),
        "body": article.body.lower(),
    }


def snippet(body: str, matched: list[str]) -> str:
    """A piece of the body around the first matched term (its start when none is in it)."""
    lowered = body.lower()
    positions = [lowered.find(term) for term in matched if term in lowered]
    if not positions:
        return body[: 2 * SNIPPET_RADIUS].strip() + ("…" if len(body) > 2 * SNIPPET_RADIUS else "")
    at = min(positions)
    start, end = max(0, at - SNIPPET_RADIUS), min(len(body), at + SNIPPET_RADIUS)
    return ("…" if start else "") + body[start:end].strip() + ("…" if end < len(body) else "")


def rank(articles: list[KnowledgeArticle], query_terms: list[str]) -> list[Hit]:
    """Articles that match at least one term, best first (ties: most recently changed first)."""
    if not query_terms or not articles:
        return []
    texts = {article.id: _fields(article) for article in articles}
    total = len(articles)
    frequency = {term: sum(1 for fields in texts.values() if any(term in text for text in fields.values()))
                 for term in query_terms}
    hits = []
    for article in articles:
        fields = texts[article.id]
        score, matched = 0.0, []
        for term in query_terms:
            weight = sum(w for name, w in FIELD_WEIGHTS.items() if term in fields[name])
            if weight:
                rarity = math.log(1 + total / frequency[term])
                score += weight * rarity
                matched.append(term)
        if matched:
            coverage = len(matched) / len(query_terms)
            hits.append(Hit(article, round(score * coverage, 4), snippet(article.body, matched)))
    hits.sort(key=lambda hit: (-hit.score, -hit.article.update_time.timestamp(), hit.article.id))
    return hits


# -- validation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleInput:
    kind: str
    title: str
    body: str
    category: str
    product: str
    keywords: list[str]
    ticket_types: list[str]
    source_ticket_id: str
    locale: str
    state: str
    department_path: str
    public: bool = False


def validate_article(data: ArticleInput, prefix: str = "article.") -> list[FieldViolation]:
    violations = []
    if not data.kind:
        violations.append(FieldViolation(f"{prefix}kind", "is required"))
    if not data.title.strip():
        violations.append(FieldViolation(f"{prefix}title", "is required"))
    elif len(data.title) > 300:
        violations.append(FieldViolation(f"{prefix}title", "must be at most 300 characters"))
    if len(data.body) > 100_000:
        violations.append(FieldViolation(f"{prefix}body", "must be at most 100000 characters"))
    for name in ("category", "product"):
        if len(getattr(data, name)) > 100:
            violations.append(FieldViolation(f"{prefix}{name}", "must be at most 100 characters"))
    if len(data.keywords) > MAX_KEYWORDS:
        violations.append(FieldViolation(f"{prefix}keywords", f"at most {MAX_KEYWORDS} keywords"))
    for index, keyword in enumerate(data.keywords):
        if not keyword.strip() or len(keyword) > 50:
            violations.append(FieldViolation(f"{prefix}keywords[{index}]", "must be 1 to 50 characters"))
    if "" in data.ticket_types:
        violations.append(FieldViolation(f"{prefix}ticket_types", "must not contain unspecified"))
    if data.locale not in LOCALES:
        violations.append(FieldViolation(f"{prefix}locale", "must be zh-CN or en-US"))
    if len(data.source_ticket_id) > 36:
        violations.append(FieldViolation(f"{prefix}source_ticket_id", "is not a ticket id"))
    return violations


def apply(article: KnowledgeArticle, data: ArticleInput, fields: set[str] | None = None) -> None:
    """Copy ``data`` onto the row (only ``fields`` when given) and refresh its search text."""
    for name in ArticleInput.__dataclass_fields__:
        if fields is None or name in fields:
            value = getattr(data, name)
            setattr(article, name, (value or None) if name == "source_ticket_id" else value)
    article.search_text = search_text_of(article.title, article.keywords, article.category,
                                         article.product, article.body)


def as_input(article: KnowledgeArticle) -> ArticleInput:
    return ArticleInput(
        kind=article.kind, title=article.title, body=article.body, category=article.category,
        product=article.product, keywords=list(article.keywords),
        ticket_types=list(article.ticket_types), source_ticket_id=article.source_ticket_id or "",
        locale=article.locale, state=article.state, department_path=article.department_path,
        public=bool(article.public),
    )


# -- access ------------------------------------------------------------------------------------------


def readable_clause(principal: Principal):
    return or_(
        KnowledgeArticle.state == PUBLISHED,
        visibility_clause(principal, KnowledgeArticle.created_by, KnowledgeArticle.department_path),
    )


def may_change(principal: Principal, article: KnowledgeArticle) -> bool:
    if principal.data_scope is DataScope.OWN:
        return article.created_by == principal.user_id
    return can_see(principal, owner_id=article.created_by, department_path=article.department_path)


def get_readable(session: Session, principal: Principal, article_id: str) -> KnowledgeArticle | None:
    return session.scalars(
        select(KnowledgeArticle).where(KnowledgeArticle.id == article_id, readable_clause(principal))
    ).first()


def etag_of(article: KnowledgeArticle) -> str:
    return f'W/"{article.version}"'


# -- search ------------------------------------------------------------------------------------------


def search(session: Session, text: str, *, kinds: list[str], locale: str,
           public_only: bool = False) -> list[Hit]:
    """Published articles matching ``text`` (only those marked public with ``public_only``),
    best first."""
    query_terms = terms(text)
    if not query_terms:
        return []
    where = [KnowledgeArticle.state == PUBLISHED,
             or_(*(KnowledgeArticle.search_text.contains(term, autoescape=True)
                   for term in query_terms[:MAX_SQL_TERMS]))]
    if kinds:
        where.append(KnowledgeArticle.kind.in_(kinds))
    if locale:
        where.append(KnowledgeArticle.locale == locale)
    if public_only:
        where.append(KnowledgeArticle.public.is_(True))
    candidates = list(session.scalars(
        select(KnowledgeArticle).where(*where)
        .order_by(KnowledgeArticle.update_time.desc()).limit(MAX_CANDIDATES)
    ))
    return rank(candidates, query_terms)


def ticket_search_text(ticket) -> str:
    """What a ticket is about, for finding articles that help with it."""
    return "\n".join([ticket.title or "", ticket.category or "", ticket.product or "",
                      " ".join(ticket.keywords or []), ticket.description or ""])
