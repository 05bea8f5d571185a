"""Finding the Simplified-Chinese font for charts and PDFs (Noto Sans CJK SC, not the JP face)."""

from __future__ import annotations

import shutil
import subprocess

SC_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN")
# CSS font stack for HTML/PDF exports; lang="zh-CN" makes fontconfig pick the SC face.
CSS_FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", sans-serif'


def matplotlib_sc_font() -> tuple[str, str] | None:
    """(family, file) of the first SC family matplotlib knows, or None."""
    from matplotlib import font_manager

    for family in SC_FAMILIES:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == family:
                return family, entry.fname
    return None


def fontconfig_sc_font() -> tuple[str, str] | None:
    """(family, file) fontconfig picks for Chinese sans-serif text; None when not an SC face."""
    if shutil.which("fc-match") is None:
        return None
    out = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}", "sans-serif:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if "\t" not in out:
        return None
    families, file = out.split("\t", 1)
    for family in families.split(","):
        if family in SC_FAMILIES:
            return family, file
    return None
