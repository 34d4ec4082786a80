"""Importers for official files (SAMHSA's National Directory XLSX, the locator export)."""


class SourceFileError(Exception):
    """A source file that cannot be read as a whole; the message names the file and the problem."""
