"""Register the `lps-talent` Jupyter kernel, started through the warm-kernel provisioner.

`python -m lps_analysis.kernels.install` (run by `make setup`; conda users run it after
`pip install -e .`) writes the kernelspec into this environment (`--sys-prefix`) and names the
provisioner in its metadata, so papermill and JupyterLab start the kernel through it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lps_analysis import paths

PROVISIONER = "lps-warm-provisioner"  # the entry point in pyproject.toml


def install(prefix: str | None = None) -> Path:
    """Install the kernelspec under `prefix` (default: this environment); its folder."""
    from ipykernel.kernelspec import install as install_ipykernel

    folder = Path(
        install_ipykernel(
            kernel_name=paths.KERNEL_NAME,
            display_name=paths.KERNEL_DISPLAY_NAME,
            prefix=prefix or sys.prefix,
        )
    )
    spec_file = folder / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    spec.setdefault("metadata", {})["kernel_provisioner"] = {"provisioner_name": PROVISIONER}
    spec_file.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    install()
