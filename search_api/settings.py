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
    rate_limit_per_minute: int = 0  # from the environment the default is defaults.RATE_LIMIT_PER_MINUTE
    max_in_flight: int = defaults.MAX_IN_FLIGHT
    trust_proxy: bool = False  # take the client address from X-Real-IP (set by our nginx)
    site_api_origin: str = ""  # the API's origin as the served site's pages reach it ("" = same origin)

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
            rate_limit_per_minute=int(os.environ.get("IOPFINDER_RATE_LIMIT_PER_MINUTE", defaults.RATE_LIMIT_PER_MINUTE)),
            max_in_flight=int(os.environ.get("IOPFINDER_MAX_IN_FLIGHT", defaults.MAX_IN_FLIGHT)),
            trust_proxy=os.environ.get("IOPFINDER_TRUST_PROXY", "") == "1",
        )
