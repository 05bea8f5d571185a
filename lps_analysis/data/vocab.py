"""Controlled vocabularies: talent categories, provenance kinds, bounds (ids ↔ Chinese names)."""

from __future__ import annotations

import unicodedata

# China's talent statistics categories (人才统计口径). `unspecified` is the part of a stated total
# that its named categories do not add up to; `all` marks a stated total.
TALENT_CATEGORIES: dict[str, str] = {
    "party_government": "党政人才",
    "management": "经营管理人才",  # as the article writes it
    "professional": "专业技术人才",
    "skilled": "技能人才",
    "rural": "农村实用人才",
    "social_work": "社会工作人才",
    "unspecified": "其他（未分类）人才",
}
TOTAL_CATEGORY = "all"
# The talent total by the article's name for it (全市人才规模总量从…增长到…).
TOTAL_CATEGORY_ZH = "人才规模总量"

# Other spellings met in official texts and county spreadsheets.
CATEGORY_ALIASES: dict[str, str] = {
    "经营管理人才": "management",
    "企业经营管理人才": "management",
    "专业技术人才": "professional",
    "专技人才": "professional",
    "技能人才": "skilled",
    "高技能人才": "skilled",
    "农村实用人才": "rural",
    "党政人才": "party_government",
    "社会工作人才": "social_work",
    "其他人才": "unspecified",
    "其他（未分类）人才": "unspecified",
    "未分类": "unspecified",
    "人才总量": "all",
    "人才规模总量": "all",
    "人才资源总量": "all",
    "合计": "all",
    "all": "all",
}

PROVENANCE_KINDS: dict[str, str] = {
    "article": "原文报道",
    "official": "官方发布",
    "analyst": "分析人员提供",
    "illustrative": "示例数据（非真实）",
    "derived": "本项目计算",
}

BOUNDS: dict[str, str] = {"exact": "=", "lower": "≥", "approx": "≈"}


def _nfkc(text: str) -> str:
    # Cells are compared after NFKC (full-width brackets and digits → ASCII), so labels are too.
    return unicodedata.normalize("NFKC", str(text)).strip()


def category_id(label: str) -> str:
    """Canonical category id for an id or a Chinese label; KeyError when unknown."""
    label = _nfkc(label)
    if label in TALENT_CATEGORIES or label == TOTAL_CATEGORY:
        return label
    for cid, zh in TALENT_CATEGORIES.items():
        if label == _nfkc(zh):
            return cid
    for alias, cid in CATEGORY_ALIASES.items():
        if label == _nfkc(alias):
            return cid
    raise KeyError(label)


def category_name_zh(cid: str) -> str:
    """Chinese display name of a category id."""
    if cid == TOTAL_CATEGORY:
        return TOTAL_CATEGORY_ZH
    return TALENT_CATEGORIES[cid]
