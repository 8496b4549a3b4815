"""Search by meaning: a word-level index over every entry's texts, and outcome classes for wordings in no table.

`lookup` finds CJ's wordings as written; people type what they mean ("not enough balance", "系统繁忙",
"access token expired"). This module reduces a text to concepts (words after a small synonym list,
Chinese phrases mapped to the same concepts) and ranks entries by how much of the query's meaning
their wordings, titles, family, notes and steps carry, in both languages.

Standard library only, and imported lazily: ``lookup CODE`` and TAB completion never load it. The
index is built on first use (one pass over the table), not per query or per log line.
"""

from __future__ import annotations

import functools
import math
import re
from typing import NamedTuple

from cj_errors.table.code_table import FAMILIES
from cj_errors.table.codes import all_entries
from cj_errors.table.model import CodeEntry, Message, Outcome

# Phrases first (longest first), so "does not exist" is one concept before its words are split.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("try again later", " busy "),
    ("too many requests", " toomany "),
    ("too much request", " toomany "),
    ("too frequent", " toomany "),
    ("rate limited", " toomany "),
    ("rate limit", " toomany "),
    ("not enough", " insufficient "),
    ("does not exist", " notfound "),
    ("doesn't exist", " notfound "),
    ("do not exist", " notfound "),
    ("not exist", " notfound "),
    ("not found", " notfound "),
    ("no such", " notfound "),
    ("can not be empty", " empty "),
    ("cannot be empty", " empty "),
    ("must be not empty", " empty "),
    ("is empty", " empty "),
    ("used up", " exhausted "),
    ("run out", " exhausted "),
    ("taken offline", " offline "),
    ("removed from shelves", " offline "),
    ("off the shelf", " offline "),
    ("already exists", " duplicate "),
    ("already exist", " duplicate "),
    ("http method", " httpmethod "),
    ("request method", " httpmethod "),
)
# Chinese: CJ's table and what people type; each phrase becomes the same concepts as the English words.
_CHINESE: tuple[tuple[str, str], ...] = (
    ("请求过于频繁", " toomany "),
    ("过于频繁", " toomany "),
    ("频繁", " toomany "),
    ("系统繁忙", " system busy "),
    ("繁忙", " busy "),
    ("稍候重试", " busy "),
    ("暂不可用", " busy "),
    ("余额不足", " balance insufficient "),
    ("余额", " balance "),
    ("不足", " insufficient "),
    ("不存在", " notfound "),
    ("找不到", " notfound "),
    ("未找到", " notfound "),
    ("已下架", " offline "),
    ("下架", " offline "),
    ("已过期", " expired "),
    ("过期", " expired "),
    ("不能为空", " empty "),
    ("为空", " empty "),
    ("无效", " invalid "),
    ("错误", " invalid "),
    ("失败", " fail "),
    ("访问令牌", " access token "),
    ("刷新令牌", " refresh token "),
    ("令牌", " token "),
    ("订单", " order "),
    ("商品", " product "),
    ("产品", " product "),
    ("变体", " variant "),
    ("参数", " parameter "),
    ("接口", " interface "),
    ("物流", " logistic "),
    ("创建", " create "),
    ("配额", " quota "),
    ("用完", " exhausted "),
    ("用户", " user "),
    ("仓库", " warehouse "),
    ("服务器", " system "),
    ("支付", " pay "),
    ("确认", " confirm "),
)
# One concept for words that mean the same here.
_SYNONYMS: dict[str, str] = {
    "expired": "invalid",
    "expire": "invalid",
    "expires": "invalid",
    "expiry": "invalid",
    "wrong": "invalid",
    "incorrect": "invalid",
    "bad": "invalid",
    "illegal": "invalid",
    "error": "invalid",
    "errors": "invalid",
    "insufficient": "insufficient",
    "low": "insufficient",
    "lack": "insufficient",
    "missing": "empty",
    "blank": "empty",
    "busy": "busy",
    "overloaded": "busy",
    "qps": "toomany",
    "throttled": "toomany",
    "throttle": "toomany",
    "failed": "fail",
    "failure": "fail",
    "fails": "fail",
    "server": "system",
    "servers": "system",
    "param": "parameter",
    "params": "parameter",
    "parameters": "parameter",
    "argument": "parameter",
    "products": "product",
    "item": "product",
    "goods": "product",
    "variants": "variant",
    "sku": "variant",
    "orders": "order",
    "wallet": "balance",
    "funds": "balance",
    "money": "balance",
    "payment": "pay",
    "paid": "pay",
    "creation": "create",
    "created": "create",
    "confirmation": "confirm",
    "confirmed": "confirm",
    "shipping": "logistic",
    "logistics": "logistic",
    "freight": "logistic",
    "endpoint": "interface",
    "path": "interface",
    "url": "interface",
    "apikey": "key",
    "login": "auth",
    "authorization": "auth",
    "authentication": "auth",
    "unauthorized": "auth",
    "permission": "auth",
    "recognised": "invalid",
    "recognized": "invalid",
    "exists": "duplicate",
    "duplicated": "duplicate",
    "quotas": "quota",
    "limit": "toomany",
    "limits": "toomany",
    "exceeded": "toomany",
}
_STOPWORDS = frozenset(
    "a an the is are was were be been to of for in on at by with and or not no please your you my our it this "
    "that cj api dropshipping has have had do does did can could will would should again check use id".split()
)
_WORD = re.compile(r"[a-z][a-z0-9]*")


def concepts(text: str) -> list[str]:
    """The concepts a text carries, in order: words after the phrase and synonym lists, without stop words."""
    lowered = " " + text.lower() + " "
    for phrase, concept in _CHINESE:
        lowered = lowered.replace(phrase, concept)
    for phrase, concept in _PHRASES:
        lowered = lowered.replace(phrase, concept)
    found = []
    for word in _WORD.findall(lowered):
        concept = _SYNONYMS.get(word, word)
        if concept not in _STOPWORDS and len(concept) > 1:
            found.append(concept)
    return found


# How much a text says about its entry: CJ's wordings and the title most, then the family, then
# cjerr's notes and steps (which also mention what a code is NOT, so they count least).
_WORDING_WEIGHT = 3.0
_OTHER_WORDING_WEIGHT = 1.5  # a doc example's or an MCP text's wording, reused or disputed
_FAMILY_WEIGHT = 1.0
_PROSE_WEIGHT = 0.4
_OWN_SOURCES = frozenset({"current", "legacy", "current-crawl", "observed", "zh-page", "limit-page"})


def _message_weight(message: Message) -> float:
    return _WORDING_WEIGHT if message.source in _OWN_SOURCES and message.belongs_to is None else _OTHER_WORDING_WEIGHT


class _Field(NamedTuple):
    weight: float
    concepts: frozenset[str]


def _fields(entry: CodeEntry) -> list[_Field]:
    fields = [_Field(_WORDING_WEIGHT, frozenset(concepts(entry.title)))]
    fields.extend(_Field(_message_weight(message), frozenset(concepts(message.text))) for message in entry.messages)
    fields.extend(_Field(_WORDING_WEIGHT, frozenset(concepts(message.text))) for message in entry.localized)
    family = FAMILIES.get(entry.family)
    if family is not None:
        fields.append(_Field(_FAMILY_WEIGHT, frozenset(concepts(f"{family.title} {family.description}"))))
    fields.extend(_Field(_PROSE_WEIGHT, frozenset(concepts(text))) for text in (*entry.notes, *entry.steps))
    return [field for field in fields if field.concepts]


class _Index(NamedTuple):
    entries: tuple[tuple[CodeEntry, tuple[_Field, ...]], ...]
    idf: dict[str, float]


@functools.cache
def _index() -> _Index:
    indexed = tuple((entry, tuple(_fields(entry))) for entry in all_entries())
    counts: dict[str, int] = {}
    for _, fields in indexed:
        for concept in frozenset().union(*(field.concepts for field in fields)):
            counts[concept] = counts.get(concept, 0) + 1
    total = len(indexed)
    return _Index(indexed, {concept: math.log(1 + total / count) for concept, count in counts.items()})


def _field_score(field: _Field, query: frozenset[str], idf: dict[str, float]) -> float:
    matched = query & field.concepts
    if not matched:
        return 0.0
    # Precision matters: a short wording that is mostly the query beats a long one that mentions it.
    extra = len(field.concepts - query)
    return field.weight * sum(idf.get(concept, 0.0) for concept in matched) / (1.0 + 0.15 * extra)


_OTHER_TOKENS = frozenset({"refresh", "platform", "access"})

# At least this share of the query's meaning (by idf) must be in the entry's wordings or title.
_MIN_COVERAGE = 0.6


def rank(text: str, limit: int = 5) -> list[CodeEntry]:
    """Entries whose texts carry the query's meaning, best first (empty when nothing carries most of it)."""
    query = frozenset(concepts(text))
    if not query or "success" in query:
        return []  # a success wording names no error, whatever label comes with it
    if "token" in query and not query & _OTHER_TOKENS:
        query |= {"access"}  # a token, said plainly, is CJ's access token
    index = _index()
    mass = sum(index.idf.get(concept, 0.0) for concept in query)
    if mass <= 0:
        return []
    scored: list[tuple[float, int, CodeEntry]] = []
    for entry, fields in index.entries:
        if entry.outcome is Outcome.SUCCESS:
            continue
        strong = frozenset().union(*(field.concepts for field in fields if field.weight >= _FAMILY_WEIGHT))
        covered = sum(index.idf.get(concept, 0.0) for concept in query & strong) / mass
        if covered < _MIN_COVERAGE:
            continue
        best = max(_field_score(field, query, index.idf) for field in fields if field.weight >= _FAMILY_WEIGHT)
        prose = sum(_field_score(field, query, index.idf) for field in fields if field.weight < _FAMILY_WEIGHT)
        score = covered * 10 + best + min(prose, best)
        scored.append((score, entry.code, entry))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [entry for *_, entry in scored[:limit]]


# --- outcome classes for a wording in no table -------------------------------------------

_CLASSES: tuple[tuple[str, frozenset[str], Outcome], ...] = (
    ("quota", frozenset({"quota", "exhausted", "daily"}), Outcome.QUOTA),
    ("rate limit", frozenset({"toomany"}), Outcome.TEMPORARY),
    ("temporary", frozenset({"busy", "timeout", "temporarily"}), Outcome.TEMPORARY),
    ("auth", frozenset({"token", "auth", "key", "disabled", "forbidden", "suspended"}), Outcome.AUTH),
    ("balance", frozenset({"balance", "insufficient"}), Outcome.API_ERROR),
    ("not found", frozenset({"notfound", "unavailable"}), Outcome.API_ERROR),
    ("parameter", frozenset({"parameter", "invalid", "empty", "format", "required"}), Outcome.API_ERROR),
)


class Inferred(NamedTuple):
    """What a wording in no table means, read from its words: a class and the outcome it leads to."""

    label: str
    outcome: Outcome


def outcome_class(message: str) -> Inferred | None:
    """The outcome class a wording's meaning names (not found, parameter, auth, rate limit, quota,
    temporary, balance), or None when its words name none of them."""
    found = frozenset(concepts(message))
    for label, words, outcome in _CLASSES:
        if found & words:
            return Inferred(label, outcome)
    return None
