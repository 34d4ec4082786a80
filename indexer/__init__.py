"""Staged Facility records (JSON Lines) → a versioned Elasticsearch index behind an alias."""


class BuildError(Exception):
    """An index build or rollback that cannot complete; the live alias is left as it was."""
