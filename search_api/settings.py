"""The API's settings, read from the environment once at start-up."""

import os
from dataclasses import dataclass

from facility import defaults


@dataclass(frozen=True)
class ApiSettings:
    elasticsearch_url: str
    alias: str = defaults.INDEX_ALIAS
    es_timeout_s: float = defaults.API_ES_TIMEOUT_S
    es_retries: int = defaults.API_ES_RETRIES
    retry_after_s: int = defaults.RETRY_AFTER_S
    cors_origins: tuple[str, ...] = ()  # sites on another origin whose pages may call the API (GET only)

    @classmethod
    def from_env(cls, elasticsearch_url: str | None = None) -> "ApiSettings":
        url = elasticsearch_url or os.environ.get("ELASTICSEARCH_URL")
        if not url:
            raise ValueError("ELASTICSEARCH_URL is not set")
        return cls(
            elasticsearch_url=url,
            alias=os.environ.get("IOPFINDER_ALIAS", defaults.INDEX_ALIAS),
            es_timeout_s=float(os.environ.get("IOPFINDER_ES_TIMEOUT_S", defaults.API_ES_TIMEOUT_S)),
            cors_origins=tuple(o.strip() for o in os.environ.get("IOPFINDER_CORS_ORIGINS", "").split(",") if o.strip()),
        )
