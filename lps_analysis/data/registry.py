"""The scope registry (data/reference/scopes.csv): the city, its counties and their code history."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from lps_analysis import paths
from lps_analysis.errors import RetiredScopeError, UnknownScopeError


@dataclass(frozen=True)
class Scope:
    """One administrative unit the analysis can be run for (or a former one)."""

    code: str
    name_zh: str
    slug: str
    level: str  # "city" | "county"
    parent_code: str | None
    valid_from: str | None  # YYYY-MM; None: exists throughout the analysis period
    valid_to: str | None  # YYYY-MM; set for former units
    predecessor_code: str | None
    former_names: tuple[str, ...]
    notes: str

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


def _opt(value: str | None) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    return str(value).strip()


@lru_cache(maxsize=4)
def load_scopes(path: str | None = None) -> tuple[Scope, ...]:
    """All registry rows, current and former, in file order.

    Read with the csv module, not pandas: `lps run` consults the registry on its quick paths.
    """
    with open(path or paths.SCOPES_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Scope(
            code=row["code"],
            name_zh=row["name_zh"],
            slug=row["slug"],
            level=row["level"],
            parent_code=_opt(row["parent_code"]),
            valid_from=_opt(row["valid_from"]),
            valid_to=_opt(row["valid_to"]),
            predecessor_code=_opt(row["predecessor_code"]),
            former_names=tuple(n for n in row["former_names"].split("|") if n),
            notes=row["notes"],
        )
        for row in rows
    )


def current_scopes() -> list[Scope]:
    """The scopes reports are run for: the city first, then its current counties by code."""
    current = [s for s in load_scopes() if s.is_current]
    return sorted(current, key=lambda s: (s.level != "city", s.code))


def city() -> Scope:
    return next(s for s in current_scopes() if s.level == "city")


def successor(scope: Scope) -> Scope:
    """The current unit a former one became (itself when current)."""
    if scope.is_current:
        return scope
    for s in load_scopes():
        if s.predecessor_code == scope.code:
            return successor(s)
    raise UnknownScopeError(scope.code)


def resolve_scope(label: str | int) -> tuple[Scope, str | None]:
    """Map a code or Chinese name, current or former, to a current scope.

    Returns
    -------
    (scope, note)
        `note` is a Chinese sentence when a former code or name was mapped, else None.
    """
    text = str(label).strip()
    for s in load_scopes():
        if text in (s.code, s.name_zh, s.slug) or text in s.former_names:
            current = successor(s)
            if current is s and text not in s.former_names:
                return s, None
            return current, f"「{text}」已更名/撤销，按 {current.code} {current.name_zh} 处理"
    raise UnknownScopeError(text)


def get_scope(label: str | int) -> Scope:
    """A current scope by code, name or slug; refuses unknown and former codes."""
    scope, note = resolve_scope(label)
    if note is not None:
        raise RetiredScopeError(str(label).strip(), scope.code, scope.name_zh)
    return scope


def scopes_frame():
    """The registry as a DataFrame (canonical column order of DESIGN.md)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "code": s.code,
                "name_zh": s.name_zh,
                "slug": s.slug,
                "level": s.level,
                "parent_code": s.parent_code,
                "valid_from": s.valid_from,
                "valid_to": s.valid_to,
                "predecessor_code": s.predecessor_code,
                "notes": s.notes,
            }
            for s in load_scopes()
        ]
    )
