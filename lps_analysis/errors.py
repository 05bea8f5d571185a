"""One exception type per kind of failure; the CLI turns them into messages for analysts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem in one input file: where it is, in Chinese first, then English."""

    file: str
    message_zh: str
    message_en: str
    sheet: str | None = None
    row: int | None = None  # as the analyst sees it: spreadsheet row / file line, header included
    column: str | None = None
    value: object = None

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列「{self.column}」")
        return "，".join(parts)

    def format(self) -> str:
        value = "" if self.value is None else f"（值：{self.value!s}）"
        return f"{self.location()}：{self.message_zh}{value}\n    {self.message_en}"


@dataclass
class DataValidationError(Exception):
    """Input data that cannot be used, with every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class UnknownScopeError(KeyError):
    """A scope code or name that is not in the registry."""

    def __init__(self, label: str):
        super().__init__(label)
        self.label = label

    def __str__(self) -> str:
        return (
            f"未知的分析范围「{self.label}」：请使用 `lps scopes` 列出的代码或名称。\n"
            f"    Unknown scope {self.label!r}: use a code or name listed by `lps scopes`."
        )


class RetiredScopeError(UnknownScopeError):
    """A former code or name (水城县 520221, 盘县 520222) where only a current scope will do."""

    def __init__(self, label: str, successor_code: str, successor_name: str):
        super().__init__(label)
        self.successor_code = successor_code
        self.successor_name = successor_name

    def __str__(self) -> str:
        return (
            f"分析范围「{self.label}」已撤销或更名：请使用 {self.successor_code} "
            f"{self.successor_name}。\n"
            f"    Scope {self.label!r} is a former unit: use its successor {self.successor_code}."
        )
