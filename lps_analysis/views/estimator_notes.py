"""The estimator's warnings, said in plain Chinese for the report's caveats.

``moderndid`` warns in English about the design (small cohorts, cohorts without a
pre-period, years without comparison institutions). The report shows each as a caveat a reader
of the Chinese report can act on, with the original English line kept for the analyst.
"""

from __future__ import annotations

import re

# moderndid's own pre-test is not used (the report runs its own, see exchange.event_study),
# so its note that it skipped that pre-test says nothing about the report's figures.
IGNORED = ("Not returning pre-test Wald statistic",)


def _years(message: str) -> str:
    found = re.findall(r"\b(?:19|20)\d{2}\b", message)
    # In order: moderndid lists the groups as a set, in an order that differs between processes.
    return "、".join(f"{y}年" for y in sorted(set(found)))


def plain_chinese(message: str, *, with_original: bool = True) -> str | None:
    """One estimator warning as a Chinese caveat (None for warnings that do not concern it).

    `with_original=False` leaves out the English line: its numbers (cohorts as 2019.0) were
    not printed through fmt, so a report for readers shows the Chinese sentence only.
    """
    if message.startswith(IGNORED):
        return None
    years = _years(message)
    if message.startswith("Be aware that there are some small groups"):
        which = f"（{years}开始交流的批次）" if years else ""
        text = (
            f"部分交流批次的单位很少{which}：这些批次的效应主要由一两家单位决定，"
            "区间已按单位层面的不确定性放宽，但对单个批次的结果仍应谨慎。"
        )
    elif message.startswith("No pre-treatment periods for group"):
        text = f"{years or '部分'}开始交流的批次没有交流前的观测，未纳入估计。"
    elif message.startswith("No control units for group"):
        text = "部分年份没有可作对照的单位，这些年份的效应未能估计。"
    elif message.startswith("No treated units in group"):
        text = "部分批次在某些年份没有观测，这些年份的效应未能估计。"
    else:
        text = "估计程序给出了提示，其含义请分析人员核查。"
    return f"{text}（估计程序原文：{message}）" if with_original else text


def estimator_caveats(messages: list[str], *, with_original: bool = True) -> list[str]:
    """The caveats for a list of estimator warnings, without repeats."""
    out = [plain_chinese(m, with_original=with_original) for m in messages]
    return list(dict.fromkeys(c for c in out if c))
