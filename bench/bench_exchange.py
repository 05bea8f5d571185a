"""Monte Carlo of the exchange estimates: coverage, size and power over every accepted design.

For each design of ``lps_analysis.exchange.montecarlo.DESIGNS`` (AR(1) noise, institution-
specific effects), with an effect and with none: the coverage of every interval the report
prints, how often a null effect is called significant, and how often the pre-trend test
rejects under parallel trends. Then the pre-trend test's power against a steady (linear) and
a sign-changing (zigzag) violation. Baselines measured in the same run: moderndid's
influence-function interval (what the report printed before) in the designs with
one-institution cohorts, and the mean-of-leads test alone. Then the effect by exposure
intensity (``INTENSITY_DESIGNS``): coverage of each group's interval, with the normal-quantile
interval the report printed before as the baseline; and the size of the wild cluster
bootstrap and the placebo test under no effect in every design.

    BENCH_SEEDS=100 python -m bench bench_exchange        (or: make bench)
    BENCH_PARTS=intensity,robustness python -m bench bench_exchange   (some parts only)

Parts: designs, baseline, power, intensity, robustness, bootstrap_sizes (the bootstrap's size
by panel size, behind ``exchange.BOOTSTRAP_MIN_INSTITUTIONS``; default: all). A run of some parts
writes ``bench/results/exchange-<parts>.json``, a full run ``exchange.json``.
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from pathlib import Path

from scipy import stats

from lps_analysis.exchange import att_gt, simulate_panel
from lps_analysis.exchange import montecarlo as mc

SEEDS = range(int(os.environ.get("BENCH_SEEDS", "100")))
PARTS = ("designs", "baseline", "power", "intensity", "robustness", "bootstrap_sizes")
# the city's panel with this many institutions over its four counties, five cohorts
BOOTSTRAP_SIZES = (13, 20, 26, 35, 50)
BASELINE_DESIGNS = ("few_treated_3_cohorts", "few_treated_5_cohorts")
VIOLATIONS = {
    "linear 0.5/yr": {"pretrend": 0.5},
    "zigzag ±0.5": {"pretrend": 0.5, "pretrend_shape": "zigzag"},
    "zigzag ±1.0": {"pretrend": 1.0, "pretrend_shape": "zigzag"},
}
POWER_DESIGNS = ("county_13", "staggered_50")


def _influence_coverage(design: dict, effect: float) -> float:
    """Coverage of moderndid's own interval (influence-function se, normal critical value)."""
    z = stats.norm.ppf(0.975)
    hits = []
    for seed in SEEDS:
        sim = simulate_panel(seed, **{**mc.HARD, **design, "effect": effect})
        cs = att_gt(sim.panel)
        truth = sim.true_att(cs.group_time[cs.group_time["event_time"] >= 0].dropna())
        hits.append(abs(cs.att - truth) <= z * cs.se_influence)
    return sum(hits) / len(hits)


def _designs(results: dict) -> None:
    print(f"{'design':<24}{'effect':>7}{'CS':>7}{'ES':>7}{'ES(e)':>7}{'rej0':>7}{'pre':>7}")
    for name, design in mc.DESIGNS.items():
        for effect in (1.0, 0.0):
            s = mc.summarise(mc.sweep(SEEDS, **design, effect=effect))
            results["designs"][f"{name}|{effect:g}"] = s
            print(
                f"{name:<24}{effect:>7g}{s['cs_coverage']:>7.2f}{s['study_coverage']:>7.2f}"
                f"{s['event_coverage']:>7.2f}{s['cs_rejects_zero']:>7.2f}{s['pretrend_rejects']:>7.2f}"
            )


def _baseline(results: dict) -> None:
    print("baseline: moderndid's influence-function interval, coverage")
    for name in BASELINE_DESIGNS:
        for effect in (1.0, 0.0):
            cov = _influence_coverage(mc.DESIGNS[name], effect)
            results["baseline"][f"{name}|{effect:g}"] = cov
            print(f"  {name:<24}{effect:>5g}{cov:>7.2f}")


def _power(results: dict) -> None:
    print("pre-trend power (rejections at 5%): combined | joint | mean of leads")
    for name in POWER_DESIGNS:
        for label, violation in {"none": {}, **VIOLATIONS}.items():
            frame = mc.pretrend_rejections(SEEDS, **mc.DESIGNS[name], **violation).dropna()
            row = {k: float((frame[k] < 0.05).mean()) for k in ("p", "joint_p", "mean_p")}
            row["tested"] = len(frame)
            results["power"][f"{name}|{label}"] = row
            print(
                f"  {name:<14}{label:<15}{row['p']:>6.2f}{row['joint_p']:>7.2f}{row['mean_p']:>7.2f}"
            )


def _normal_coverage(frame) -> float:
    """Coverage of att ± 1.96·se (the interval the report printed before), same groups."""
    shown = frame[frame["interval"].astype(bool)]
    z = stats.norm.ppf(0.975)
    return float(((shown["att"] - shown["truth"]).abs() <= z * shown["se"]).mean())


def _intensity(results: dict) -> None:
    print("effect by intensity: groups with an interval, coverage (t | normal before), rejects 0")
    for name, design in mc.INTENSITY_DESIGNS.items():
        for effect in (1.0, 0.0):
            frame = mc.intensity_sweep(SEEDS, **design, effect=effect)
            s = mc.summarise_intensity(frame)
            s["normal_coverage"] = _normal_coverage(frame)
            results["intensity"][f"{name}|{effect:g}"] = s
            print(
                f"  {name:<24}{effect:>5g}{s['treated_per_group']:>5.0f}{s['with_interval']:>7.2f}"
                f"{s['coverage']:>7.2f}{s['normal_coverage']:>7.2f}{s['rejects_zero']:>7.2f}"
            )


def _robustness(results: dict) -> None:
    print("size under no effect (rejections at 5%): wild cluster bootstrap | placebo")
    for name, design in mc.DESIGNS.items():
        s = mc.summarise_robustness(mc.robustness_sweep(SEEDS, **design, effect=0.0))
        results["robustness"][name] = s
        print(f"  {name:<24}{s['bootstrap_rejects']:>7.2f}{s['placebo_rejects']:>7.2f}")


def _bootstrap_sizes(results: dict) -> None:
    print("wild cluster bootstrap size under no effect, by institutions in the panel")
    for n in BOOTSTRAP_SIZES:
        design = {"institutions": n, "cohort_years": (2016, 2017, 2018, 2019, 2020)}
        s = mc.summarise_robustness(mc.robustness_sweep(SEEDS, **design, effect=0.0))
        results["bootstrap_sizes"][str(n)] = s
        print(f"  {n:>4}{s['bootstrap_rejects']:>7.2f}")


def main() -> None:
    warnings.simplefilter("ignore")
    parts = [p for p in os.environ.get("BENCH_PARTS", ",".join(PARTS)).split(",") if p]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise SystemExit(f"BENCH_PARTS: unknown {unknown}; choose from {', '.join(PARTS)}")
    results: dict = {"seeds": len(SEEDS), **{p: {} for p in parts}}
    started = time.perf_counter()
    print(f"exchange Monte Carlo, {len(SEEDS)} seeds per line")
    steps = {
        "designs": _designs,
        "baseline": _baseline,
        "power": _power,
        "intensity": _intensity,
        "robustness": _robustness,
        "bootstrap_sizes": _bootstrap_sizes,
    }
    for part in PARTS:
        if part in parts:
            steps[part](results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    name = "exchange.json" if set(parts) == set(PARTS) else f"exchange-{'-'.join(parts)}.json"
    (out / name).write_text(
        json.dumps(results, indent=2, default=lambda v: None if math.isnan(v) else v),
        encoding="utf-8",
    )
    print(f"{results['seconds']} s; figures in bench/results/{name}")
