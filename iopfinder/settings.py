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
