"""lps_analysis — 六盘水人才发展分析 (Liupanshui talent-development analysis)."""

__version__ = "0.1.0"
