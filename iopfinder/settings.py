"""The jobs' settings (import, crawl, index, site build): what they read from the environment beyond
where Elasticsearch is, which `NodeSettings` answers for every command."""

from pathlib import Path

from pydantic import Field

from facility import defaults
from facility.settings import EnvSettings


class JobSettings(EnvSettings):
    site_dir: Path | None = None  # IOPFINDER_SITE_DIR: the site's templates and assets, when not in a checkout
    index_shards: int = Field(defaults.INDEX_SHARDS, ge=1)  # IOPFINDER_INDEX_SHARDS
    index_replicas: int = Field(defaults.INDEX_REPLICAS, ge=0)  # IOPFINDER_INDEX_REPLICAS
    # IOPFINDER_IMPORT_MAX_FAILURE_SHARE: rows dropped of rows read beyond which an import fails
    import_max_failure_share: float = Field(defaults.IMPORT_MAX_FAILURE_SHARE, ge=0, le=1)
    # The crawl's limits; unset, each spider's own (crawler/*/spider.py, from facility/defaults.py).
    crawl_max_failure_share: float | None = Field(None, ge=0, le=1)  # IOPFINDER_CRAWL_MAX_FAILURE_SHARE
    crawl_time_limit_s: float | None = Field(None, ge=0)  # IOPFINDER_CRAWL_TIME_LIMIT_S (0: none)
    crawl_error_limit: int | None = Field(None, ge=0)  # IOPFINDER_CRAWL_ERROR_LIMIT (0: none)
    http_cache_dir: Path | None = None  # IOPFINDER_HTTP_CACHE_DIR; default <IOPFINDER_CACHE>/http
