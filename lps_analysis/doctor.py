"""`lps doctor`: what the set-up is missing (packages, SC font, pango, Jupyter kernel, poppler)."""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass
from importlib import metadata

from lps_analysis import paths


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


def _pins() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_norm(name)] = version.strip()
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_dependencies() -> list[str]:
    """Direct dependencies named in pyproject.toml (names only)."""
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0] for d in project["dependencies"]]


def check_packages() -> Check:
    pins = _pins()
    missing, drift = [], []
    for name in declared_dependencies():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        pinned = pins.get(_norm(name))
        if pinned and installed != pinned:
            drift.append(f"{name} {installed}≠{pinned}")
    if missing:
        return Check(
            "Python 依赖包", False, "缺少 missing: " + ", ".join(missing) + "（运行 make setup）"
        )
    if drift:
        return Check("Python 依赖包", False, "版本与 constraints.txt 不符: " + ", ".join(drift))
    return Check(
        "Python 依赖包", True, f"{len(declared_dependencies())} 个直接依赖，版本与锁定一致"
    )


def check_fonts() -> list[Check]:
    from lps_analysis.viz.fonts import fontconfig_sc_font, matplotlib_sc_font

    mpl = matplotlib_sc_font()
    fc = fontconfig_sc_font()
    hint = "（安装 Debian 软件包 fonts-noto-cjk）"
    return [
        Check(
            "中文字体（matplotlib）",
            mpl is not None,
            f"{mpl[0]} — {mpl[1]}" if mpl else "未找到 Noto Sans CJK SC" + hint,
        ),
        Check(
            "中文字体（fontconfig，PDF 用）",
            fc is not None,
            f"{fc[0]} — {fc[1]}" if fc else "zh-CN 未匹配到 SC 字体" + hint,
        ),
    ]


def check_pango() -> Check:
    try:
        import weasyprint  # noqa: F401  (loads pango through cffi)
    except (ImportError, OSError) as exc:
        return Check(
            "pango（WeasyPrint）",
            False,
            f"{type(exc).__name__}: {exc}（安装 libpango-1.0-0 libpangoft2-1.0-0）",
        )
    return Check("pango（WeasyPrint）", True, f"weasyprint {metadata.version('weasyprint')}")


def check_kernel() -> Check:
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        from lps_analysis.kernels.install import PROVISIONER

        spec = KernelSpecManager().get_kernel_spec(paths.KERNEL_NAME)
    except (ImportError, NoSuchKernel):
        return Check("Jupyter 内核", False, f"未安装内核 {paths.KERNEL_NAME}（运行 make setup）")
    if spec.display_name != paths.KERNEL_DISPLAY_NAME:
        # JupyterLab lists kernels by display name: a second name for the same kernel confuses.
        return Check(
            "Jupyter 内核",
            False,
            f"{paths.KERNEL_NAME} 的显示名为「{spec.display_name}」，应为「{paths.KERNEL_DISPLAY_NAME}」"
            "（python -m lps_analysis.kernels.install）",
            required=False,
        )
    provisioner = spec.metadata.get("kernel_provisioner", {}).get("provisioner_name")
    if provisioner != PROVISIONER:
        # Without it every kernel starts cold: correct, only slower.
        return Check(
            "Jupyter 内核",
            False,
            f"{paths.KERNEL_NAME} 未使用预热内核（python -m lps_analysis.kernels.install）",
            required=False,
        )
    return Check("Jupyter 内核", True, f"{paths.KERNEL_NAME} — {spec.display_name}")


def check_poppler() -> Check:
    found = all(shutil.which(t) for t in ("pdffonts", "pdftotext", "pdftoppm"))
    return Check(
        "poppler（测试检查 PDF 用）",
        found,
        "pdffonts / pdftotext / pdftoppm" if found else "未找到（安装 poppler-utils）",
        required=False,
    )


def run_checks() -> list[Check]:
    return [check_packages(), *check_fonts(), check_pango(), check_kernel(), check_poppler()]
