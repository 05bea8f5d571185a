"""Where things sit in a template workbook and how they look: the sheet names, the title,
header and first data rows, the last row the checks cover, the date format, and the fills,
fonts and alignments of the headers and text (required columns bold on orange, optional ones
light blue).
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

DATA_SHEET = "数据"
INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
LAST_ROW = 2000  # validations and column formats cover rows FIRST_DATA_ROW..LAST_ROW
DATE_FORMAT = "yyyy-mm-dd"

REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: required
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: optional
TITLE_FONT = Font(bold=True, size=14)
REQUIRED_FONT = Font(bold=True)
OPTIONAL_FONT = Font(bold=False, color="404040")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
