"""The API's settings: built directly in tests, read from the environment once at start-up (`from_env`)."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import NoDecode

from facility import defaults
from facility.settings import EnvSettings, comma_separated, read_settings


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    elasticsearch_url: str  # one node's URL, or several comma-separated: requests fail over between them
    elasticsearch_api_key: str | None = None  # read-only on the alias's indices (see iopfinder/access.py)
    elasticsearch_ca_certs: str | None = None  # the CA of the nodes' HTTPS certificates
    elasticsearch_username: str | None = None  # a user instead of a key (a secured local cluster's file realm)
    elasticsearch_password: str | None = None
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
    def from_env(cls, **given) -> "ApiSettings":
        """ELASTICSEARCH_URL, _API_KEY and _CA_CERTS (unless given) and IOPFINDER_<FIELD> for the rest;
        raises SettingsError."""
        return read_settings(ApiEnvironment, **{key: value for key, value in given.items() if value is not None})

    def client_options(self) -> dict:
        """Keyword arguments for the Elasticsearch client: the nodes and credentials."""
        options: dict = {"hosts": [url.strip() for url in self.elasticsearch_url.split(",") if url.strip()]}
        if self.elasticsearch_api_key:
            options["api_key"] = self.elasticsearch_api_key
        if self.elasticsearch_username:
            options["basic_auth"] = (self.elasticsearch_username, self.elasticsearch_password or "")
        if self.elasticsearch_ca_certs:
            options["ca_certs"] = self.elasticsearch_ca_certs
        return options


class ApiEnvironment(EnvSettings, ApiSettings):
    """ApiSettings as the environment sets them: a served API limits rates unless told not to."""

    elasticsearch_url: str = Field(validation_alias="ELASTICSEARCH_URL")
    elasticsearch_api_key: str | None = Field(None, validation_alias="ELASTICSEARCH_API_KEY")
    elasticsearch_ca_certs: str | None = Field(None, validation_alias="ELASTICSEARCH_CA_CERTS")
    elasticsearch_username: str | None = Field(None, validation_alias="ELASTICSEARCH_USERNAME")
    elasticsearch_password: str | None = Field(None, validation_alias="ELASTICSEARCH_PASSWORD")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    rate_limit_per_minute: int = defaults.RATE_LIMIT_PER_MINUTE

    _split_origins = field_validator("cors_origins", mode="before")(comma_separated)
