"""Excel templates the county offices fill in: one .xlsx per input table of `tables.TABLES`.

Each workbook has
- `数据`: a title (row 1), the Chinese template headers exactly as `Column.template_header`
  (row 2; required columns bold on an orange fill), data from row 3; frozen below the header;
  dropdowns and number checks on rows 3..`LAST_ROW`;
- `填写说明`: what the table is, one line per column (meaning, required, unit, allowed values,
  example) and the general rules;
- `选项` (hidden): the dropdown lists the validations point to (so long lists work).

Everything is derived from `tables.py`, `vocab.py` and the scope registry, and the files are
byte-for-byte reproducible (fixed document properties and zip timestamps), so the committed
templates in `data/templates/` can be checked against the code (tests/test_templates.py).
`lps validate FILE` checks a filled template.

Where to look: :mod:`.layout` (sheet names, rows, styles), :mod:`.wording` (purposes, column
meanings, examples, provenance meanings, the README text), :mod:`.values` (dropdown options and
cell values, text never stored as a formula), :mod:`.data_sheet` (the `数据` sheet and its
validations), :mod:`.instructions` (the `填写说明` sheet and the general rules) and
:mod:`.build` (building, reproducible saving, writing the files).
"""

from __future__ import annotations

# Besides `__all__`, every public name the single module had stays importable from here
# (tests import `readme_text`); the private helpers live in their modules.
from .build import (  # noqa: F401 - re-exported
    CREATOR,
    FIXED_TIME,
    build_workbook,
    readme_text,
    save_reproducibly,
    write_all_templates,
    write_template,
)
from .data_sheet import DATE_MIN, ROW_COLUMN  # noqa: F401 - re-exported
from .instructions import RECONCILED_TABLES, general_rules  # noqa: F401 - re-exported
from .layout import (  # noqa: F401 - re-exported
    DATA_SHEET,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ALIGN,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LAST_ROW,
    OPTIONAL_FILL,
    OPTIONAL_FONT,
    OPTIONS_SHEET,
    REQUIRED_FILL,
    REQUIRED_FONT,
    TITLE_FONT,
    TITLE_ROW,
    WRAP,
)
from .values import (  # noqa: F401 - re-exported
    CATEGORY_TOTAL_TABLES,
    FORMULA_PREFIXES,
    category_options,
    cell_value,
    input_tables,
    options_for,
    scope_options,
)
from .wording import (  # noqa: F401 - re-exported
    PROVENANCE_MEANING_ZH,
    README_TEXT,
    TABLE_PURPOSE_ZH,
    title_of,
)

__all__ = [
    "DATA_SHEET",
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "INSTRUCTIONS_SHEET",
    "LAST_ROW",
    "OPTIONS_SHEET",
    "build_workbook",
    "category_options",
    "cell_value",
    "input_tables",
    "options_for",
    "scope_options",
    "write_all_templates",
    "write_template",
]
