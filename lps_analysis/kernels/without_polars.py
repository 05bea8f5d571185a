"""statsmodels imported by the kernel template without polars, whose import starts threads.

The platform model and the exchange estimators use `statsmodels.api`: about 0.4 s to import in
a kernel, and 0.3 s more for polars, which statsmodels' `tools/data.py` tries to import to
recognise polars frames. polars starts threads when imported (jemalloc's background threads,
its out-of-core cleaner), and the template must have none when it forks. So the template imports
statsmodels with polars hidden, and then gives statsmodels a check that looks for polars when
asked (:class:`PolarsFrameOrSeries`). No object can be a polars frame before polars is imported,
so a kernel's statsmodels answers as one that imported polars itself would. A kernel that needs
polars (the exchange estimators import it) imports it as before.

Only the modules in :data:`HIDE_FOR` are imported this way: any other that imported polars
would start its threads and make the template refuse to fork, as it should. :data:`POLARS_CHECKS`
names where statsmodels records what it found; the tests check that no other module imported
with statsmodels asks for polars.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

HIDDEN = "polars"
HIDE_FOR = ("statsmodels.api",)
# Module -> its attribute holding the polars types it recognises (an empty tuple without polars).
POLARS_CHECKS = {"statsmodels.tools.data": "_POLARS_TYPES"}


class _PolarsTypes(type):
    def __instancecheck__(cls, obj) -> bool:
        polars = sys.modules.get(HIDDEN)
        if polars is None:  # not imported: nothing can be a polars object
            return False
        types = tuple(
            found
            for found in (getattr(polars, "DataFrame", None), getattr(polars, "Series", None))
            if isinstance(found, type)
        )
        return bool(types) and isinstance(obj, types)


class PolarsFrameOrSeries(metaclass=_PolarsTypes):
    """``isinstance(x, PolarsFrameOrSeries)``: x is a polars DataFrame or Series (never, as long
    as polars is not imported)."""


def warm_import(name: str) -> ModuleType:
    """Import `name` for the template: with polars hidden if it is one of :data:`HIDE_FOR`."""
    if name in HIDE_FOR:
        return import_without_polars(name)
    return importlib.import_module(name)


def import_without_polars(name: str) -> ModuleType:
    """Import `name` as if polars were not installed; then the modules of :data:`POLARS_CHECKS`
    recognise polars objects once polars is imported. If polars is already imported, nothing is
    hidden."""
    if HIDDEN in sys.modules:
        return importlib.import_module(name)
    sys.modules[HIDDEN] = None  # `import polars` now raises ImportError
    try:
        module = importlib.import_module(name)
    finally:
        if HIDDEN in sys.modules and sys.modules[HIDDEN] is None:
            del sys.modules[HIDDEN]
    for checker, attribute in POLARS_CHECKS.items():
        found = sys.modules.get(checker)
        if found is not None and getattr(found, attribute, None) == ():
            setattr(found, attribute, (PolarsFrameOrSeries,))
    return module
