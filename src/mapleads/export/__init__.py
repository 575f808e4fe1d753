"""Writers and readers for every lead file format, chosen by file extension.

Writers stream: they consume an iterator of `Lead`s and never hold the whole result in memory (XLSX uses
xlsxwriter's constant-memory mode, Parquet is written in row groups). Readers rebuild `Lead`s from any of our own
exports, so files round-trip without loss.
"""

from mapleads.export.formats import FORMATS, ExportError, check_writable, format_for, write_leads
from mapleads.export.readers import read_leads, read_rows

__all__ = ["FORMATS", "ExportError", "check_writable", "format_for", "read_leads", "read_rows", "write_leads"]
