"""Every project path in one place; notebooks and modules never hard-code paths."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ILLUSTRATIVE_DIR = ROOT / "data" / "illustrative"
# The input tables the analyses read: the bundled illustrative set unless the analysts point
# elsewhere (`--data DIR` or LPS_DATA_DIR).
DATA_DIR = Path(os.environ.get("LPS_DATA_DIR", ILLUSTRATIVE_DIR))
TEMPLATES_DIR = ROOT / "data" / "templates"
REFERENCE_DIR = ROOT / "data" / "reference"
FACTS_DIR = ROOT / "data" / "facts"
# The analysts' 下一步工作建议, one file per scope (`<code>.md`), printed in the brief as text.
RECOMMENDATIONS_DIR = Path(
    os.environ.get("LPS_RECOMMENDATIONS_DIR", ROOT / "data" / "recommendations")
)
NOTEBOOKS_DIR = Path(os.environ.get("LPS_NOTEBOOKS_DIR", ROOT / "notebooks"))
REPORTS_DIR = Path(os.environ.get("LPS_REPORTS_DIR", ROOT / "reports"))

SCOPES_FILE = REFERENCE_DIR / "scopes.csv"
POPULATION_FILE = REFERENCE_DIR / "population.csv"
BENCHMARKS_FILE = REFERENCE_DIR / "benchmarks.csv"
EAST_WEST_PARTNERS_FILE = REFERENCE_DIR / "east_west_partners.csv"
OFFICIAL_FIGURES_FILE = REFERENCE_DIR / "raw" / "guizhou_official_figures.csv"
FACTS_FILE = FACTS_DIR / "facts.csv"
ARTICLE_FILE = FACTS_DIR / "source_article.txt"

# The Jupyter kernel every set-up registers (make setup, environment.yml) and notebooks name.
KERNEL_NAME = "lps-talent"
KERNEL_DISPLAY_NAME = "Python (lps-talent)"
