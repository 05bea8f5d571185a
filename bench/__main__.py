"""Run every benchmark module in bench/ (python -m bench [name ...])."""

import importlib
import pkgutil
import sys
from pathlib import Path

names = sys.argv[1:] or sorted(
    m.name
    for m in pkgutil.iter_modules([str(Path(__file__).parent)])
    if m.name.startswith("bench_")
)
if not names:
    print("bench/ 中尚无基准测试 / no benchmarks defined yet")
for name in names:
    importlib.import_module(f"bench.{name}").main()
