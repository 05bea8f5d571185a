"""A number together with where it came from: the one rule for a figure's provenance.

Every figure a report prints is a :class:`Value`: the number, its unit, its provenance
(`article`, `official`, `analyst`, `illustrative`, `derived`), its bound (`exact`, `lower`,
`approx`) and the sources it rests on (fact ids, official reference rows, input tables).
Analysis code combines values with arithmetic or :func:`derive`; the rules below decide the
result's provenance and bound, so no view ever decides a mark by itself (DESIGN.md, "How a
computed figure gets its provenance"):

- any illustrative input makes the result illustrative;
- a result computed only from article, official and analyst inputs is `derived` and keeps the
  union of their sources;
- a missing input makes the result missing (``value is None``), naming the tables that would
  supply it -- never 0;
- a lower bound stays a lower bound where the arithmetic preserves the direction (sums, products
  and quotients by exact positive numbers); otherwise the result is `approx`.

:mod:`lps_analysis.fmt` is the only place that turns a value into text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

PROVENANCES = ("article", "official", "analyst", "illustrative", "derived")
REAL = ("article", "official", "analyst", "derived")
BOUNDS = ("exact", "lower", "approx")


def _finite(number) -> bool:
    try:
        return number is not None and math.isfinite(float(number))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Value:
    """One figure with its unit, provenance, bound and sources.

    `value` is None when the figure is missing; `missing` then names the input tables that would
    supply it (e.g. ``("exchanges",)``). `unit` is canonical (persons, ratio, pp, 万元, 个, 件,
    per_10k, index ...).
    """

    value: float | None
    unit: str
    provenance: str = "derived"
    bound: str = "exact"
    sources: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def __post_init__(self):
        if self.provenance not in PROVENANCES:
            raise ValueError(f"provenance {self.provenance!r} not in {PROVENANCES}")
        if self.bound not in BOUNDS:
            raise ValueError(f"bound {self.bound!r} not in {BOUNDS}")
        if self.value is not None and not _finite(self.value):
            # NaN and None mean the same thing here: no figure.
            object.__setattr__(self, "value", None)
        if self.value is not None:
            object.__setattr__(self, "value", float(self.value))

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def absent(cls, unit: str, *tables: str) -> Value:
        """A missing figure, naming the tables that would supply it."""
        return cls(None, unit, "derived", "exact", (), tuple(dict.fromkeys(tables)))

    def with_unit(self, unit: str) -> Value:
        return replace(self, unit=unit)

    def scaled(self, factor: float, unit: str) -> Value:
        """The same figure in another unit (`factor` exact and positive): bound and marks kept."""
        if self.value is None:
            return replace(self, unit=unit)
        return replace(self, value=self.value * factor, unit=unit)

    # -- what it is -----------------------------------------------------------------------------

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def illustrative(self) -> bool:
        return self.provenance == "illustrative"

    @property
    def real(self) -> bool:
        return self.value is not None and self.provenance in REAL

    # -- arithmetic: the combining rules ------------------------------------------------------

    def __add__(self, other):
        other = _coerce(other, self.unit)
        return derive(
            lambda a, b: a + b,
            self,
            other,
            unit=self.unit,
            bound=_bound_sum(self.bound, other.bound),
        )

    __radd__ = __add__

    def __sub__(self, other):
        other = _coerce(other, self.unit)
        return derive(
            lambda a, b: a - b,
            self,
            other,
            unit=self.unit,
            bound=_bound_difference(self.bound, other.bound),
        )

    def __mul__(self, other):
        other = _coerce(other, "")
        return derive(
            lambda a, b: a * b, self, other, unit=self.unit, bound=_bound_product(self, other)
        )

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _coerce(other, "")
        return derive(
            lambda a, b: a / b if b else math.nan,
            self,
            other,
            unit="ratio",
            bound=_bound_quotient(self, other),
        )


def _coerce(other, unit: str) -> Value:
    """A plain number in arithmetic is an exact constant with no provenance of its own."""
    if isinstance(other, Value):
        return other
    return Value(float(other), unit, "derived", "exact", ("constant",))


def _bound_sum(a: str, b: str) -> str:
    if "approx" in (a, b):
        return "approx"
    return "lower" if "lower" in (a, b) else "exact"


def _bound_difference(a: str, b: str) -> str:
    # x − y with y only bounded below is bounded above: no longer a lower bound.
    if b != "exact" or a == "approx":
        return "approx"
    return a


def _positive(v: Value) -> bool:
    return v.value is not None and v.value > 0


def _bound_product(a: Value, b: Value) -> str:
    bounds = {a.bound, b.bound}
    if "approx" in bounds:
        return "approx"
    if bounds == {"exact"}:
        return "exact"
    return "lower" if _positive(a) and _positive(b) else "approx"


def _bound_quotient(a: Value, b: Value) -> str:
    if b.bound != "exact" or a.bound == "approx":
        return "approx"
    if a.bound == "lower":
        return "lower" if _positive(b) else "approx"
    return "exact"


def combined_provenance(kinds: Iterable[str], *, computed: bool = True) -> str:
    """Provenance of a figure made from inputs of the given kinds (the rule, in one place).

    Any illustrative input makes it illustrative; a figure computed from real inputs is
    `derived`; a figure taken as is from a single kind keeps it.
    """
    kinds = {k for k in kinds if isinstance(k, str) and k}
    if "illustrative" in kinds:
        return "illustrative"
    if computed or len(kinds) != 1:
        return "derived"
    return next(iter(kinds))


def combined_bound(bounds: Iterable[str]) -> str:
    """Bound of a figure computed from inputs with these bounds, with no direction known."""
    bounds = set(bounds)
    return "exact" if bounds <= {"exact"} else "approx"


def derive(
    func: Callable[..., float],
    *inputs: Value,
    unit: str,
    bound: str | None = None,
) -> Value:
    """Apply `func` to the inputs' numbers; provenance, bound and sources follow the rule.

    `bound` is the caller's statement of how the inputs' bounds carry through `func` (e.g. a
    growth ratio keeps a lower bound on its end value); by default any inexact input makes the
    result `approx`.
    """
    missing = tuple(dict.fromkeys(t for v in inputs for t in v.missing))
    sources = tuple(dict.fromkeys(s for v in inputs for s in v.sources if s != "constant"))
    provenance = combined_provenance([v.provenance for v in inputs], computed=True)
    if any(v.value is None for v in inputs):
        gaps = missing or ("—",)
        return Value(None, unit, provenance, "exact", sources, gaps)
    result = func(*(v.value for v in inputs))
    if bound is None:
        bound = combined_bound(v.bound for v in inputs)
    if not _finite(result):
        return Value(None, unit, provenance, "exact", sources, missing)
    return Value(float(result), unit, provenance, bound, sources, ())


def total(values: Iterable[Value], unit: str | None = None) -> Value:
    """The sum of several values (a missing one makes the sum missing)."""
    values = list(values)
    if not values:
        return Value.absent(unit or "")
    out = values[0]
    for v in values[1:]:
        out = out + v
    return out.with_unit(unit) if unit else out


def from_row(
    row, column: str, unit: str, *, table: str, default_provenance="illustrative"
) -> Value:
    """A value read from one row of an input table (a pandas Series or mapping).

    The row's `provenance`, `bound` and `source` columns are kept; a row without a provenance
    column is treated as `default_provenance` (the bundled inputs are illustrative).
    """
    get = row.get if hasattr(row, "get") else (lambda k, d=None: d)
    prov = get("provenance", None)
    prov = prov if isinstance(prov, str) and prov in PROVENANCES else default_provenance
    bound = get("bound", None)
    bound = bound if isinstance(bound, str) and bound in BOUNDS else "exact"
    source = get("source", None)
    sources = (str(source),) if isinstance(source, str) and source else (table,)
    number = get(column, None)
    if not _finite(number):
        return Value(None, unit, prov, "exact", sources, (table,))
    return Value(float(number), unit, prov, bound, sources)


def from_rows(frame, column: str, unit: str, *, table: str) -> Value:
    """The sum of `column` over a frame's rows, each row's provenance and bound combined."""
    if frame is None or len(frame) == 0:
        return Value.absent(unit, table)
    return total((from_row(row, column, unit, table=table) for _, row in frame.iterrows()), unit)


def provenance_column(frame, *, default: str = "illustrative"):
    """The `provenance` column of an input table (rows without one get `default`)."""
    if "provenance" in frame:
        return frame["provenance"].where(frame["provenance"].isin(PROVENANCES), default)
    return [default] * len(frame)
