"""The API's settings: built directly in tests, read from the environment once at start-up (`from_env`)."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_settings import NoDecode

from facility import defaults
from facility.elasticsearch_access import Access, ElasticsearchEnvironment
from facility.settings import EnvSettings, SettingsError, comma_separated, read_settings


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # the nodes (requests fail over between them), with credentials that may only read (iopfinder/access.py)
    elasticsearch: Access
    alias: str = defaults.INDEX_ALIAS
    es_timeout_s: float = defaults.API_ES_TIMEOUT_S
    es_retries: int = defaults.API_ES_RETRIES
    retry_after_s: int = defaults.RETRY_AFTER_S
    cors_origins: tuple[str, ...] = ()  # sites on another origin whose pages may call the API (GET only)
    rate_limit_per_minute: int = 0  # from the environment the default is defaults.RATE_LIMIT_PER_MINUTE
    max_in_flight: int = defaults.MAX_IN_FLIGHT
    trust_proxy: bool = False  # take the client address from X-Real-IP (set by our nginx)
    site_api_origin: str = ""  # the API's origin as the served site's pages reach it ("" = same origin)
    site_url: str = ""  # the public site's base URL, for results' page links ("" = paths only)
    metrics_refresh_s: float = defaults.METRICS_REFRESH_S
    log_format: Literal["text", "json"] = defaults.LOG_FORMAT

    @classmethod
    def from_env(cls, elasticsearch: Access | None = None) -> "ApiSettings":
        """IOPFINDER_<FIELD> from the environment, and the cluster as given (`iopfinder serve`: the one
        in use) or else as ELASTICSEARCH_URL and its credentials name it; raises SettingsError."""
        elasticsearch = elasticsearch or read_settings(ElasticsearchEnvironment).elasticsearch_access
        if elasticsearch is None:
            raise SettingsError("ELASTICSEARCH_URL: not set (the cluster the API searches)")
        return read_settings(ApiEnvironment, elasticsearch=elasticsearch)


class ApiEnvironment(EnvSettings, ApiSettings):
    """ApiSettings as the environment sets them: a served API limits rates unless told not to."""

    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    rate_limit_per_minute: int = defaults.RATE_LIMIT_PER_MINUTE

    _split_origins = field_validator("cors_origins", mode="before")(comma_separated)
