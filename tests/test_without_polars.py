"""statsmodels imported by the kernel template with polars hidden: no threads, same answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from lps_analysis.kernels.template import SINGLE_THREAD_ENV
from lps_analysis.kernels.without_polars import HIDE_FOR, POLARS_CHECKS


def _run(code: str) -> dict:
    """Run `code` in a fresh interpreter as the template runs (no BLAS threads); its JSON."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, **SINGLE_THREAD_ENV),
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_statsmodels_imports_without_polars_or_threads_and_still_converts_polars_frames():
    seen = _run(
        """
        import json, sys
        import pandas as pd
        from lps_analysis.kernels.template import thread_count
        from lps_analysis.kernels.without_polars import warm_import
        warm_import("statsmodels.api")
        from statsmodels.tools import data
        before = dict(polars="polars" in sys.modules, threads=thread_count(),
                      frame=data._to_pandas(pd.DataFrame({"a": [1]})).equals(pd.DataFrame({"a": [1]})))
        import polars as pl
        frame = data._to_pandas(pl.DataFrame({"a": [1, 2]}))
        series = data._to_pandas(pl.Series("b", [3.0]))
        print(json.dumps(dict(before=before, frame=[type(frame).__name__, frame["a"].tolist()],
                              series=[type(series).__name__, series.tolist()],
                              array=type(data._to_pandas([1, 2])).__name__)))
        """
    )
    assert seen["before"] == {"polars": False, "threads": 1, "frame": True}
    # once a kernel imports polars, statsmodels converts its frames as it would have
    assert seen["frame"] == ["DataFrame", [1, 2]]
    assert seen["series"] == ["Series", [3.0]]
    assert seen["array"] == "list"


def test_only_the_recorded_module_asks_for_polars_while_statsmodels_is_imported():
    """Were another module (after an upgrade) to ask for polars while it is hidden, it would
    wrongly record it missing: the modules that ask while statsmodels is imported (after what
    the template imports first) are exactly those whose record is replaced."""
    seen = _run(
        """
        import json, sys
        from lps_analysis.kernels.template import BASE_MODULES
        from lps_analysis.kernels.without_polars import HIDE_FOR
        for name in BASE_MODULES:
            __import__(name)
        asking = set()

        class Spy:  # answers every import of polars with ImportError, noting who asked
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] != "polars":
                    return None
                frame = sys._getframe(1)
                while frame is not None and (
                    frame.f_code.co_filename.startswith("<frozen")
                    or frame.f_globals.get("__name__", "").startswith("importlib")
                ):
                    frame = frame.f_back
                asking.add(frame.f_globals.get("__name__") if frame else None)
                raise ImportError("polars hidden")

        sys.meta_path.insert(0, Spy())
        for name in HIDE_FOR:
            __import__(name)
        print(json.dumps(sorted(asking)))
        """
    )
    assert seen == sorted(POLARS_CHECKS)
    assert HIDE_FOR == ("statsmodels.api",)


def test_nothing_is_hidden_once_polars_is_imported():
    seen = _run(
        """
        import json, sys
        import polars
        from lps_analysis.kernels.without_polars import import_without_polars
        import_without_polars("statsmodels.api")
        from statsmodels.tools import data
        print(json.dumps([t.__name__ for t in data._POLARS_TYPES]))
        """
    )
    assert seen == ["DataFrame", "Series"]
