"""nbconvert exporters and templates for the reports: HTML for analysts, PDF for the leadership group."""

from lps_analysis.report.exporters import (
    LpsHTMLExporter,
    LpsPDFExporter,
    export_html,
    export_pdf,
)

__all__ = ["LpsHTMLExporter", "LpsPDFExporter", "export_html", "export_pdf"]
