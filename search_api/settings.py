"""The API's settings: built directly in tests, read from the environment once at start-up (`from_env`)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import NoDecode

from facility import defaults
from facility.settings import EnvSettings, comma_separated, read_settings


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

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
    site_url: str = ""  # the public site's base URL, for results' page links ("" = paths only)

    @classmethod
    def from_env(cls, elasticsearch_url: str | None = None) -> "ApiSettings":
        """ELASTICSEARCH_URL (unless given) and IOPFINDER_<FIELD> for the rest; raises SettingsError."""
        given = {"elasticsearch_url": elasticsearch_url} if elasticsearch_url else {}
        return read_settings(ApiEnvironment, **given)


class ApiEnvironment(EnvSettings, ApiSettings):
    """ApiSettings as the environment sets them: a served API limits rates unless told not to."""

    elasticsearch_url: str = Field(validation_alias="ELASTICSEARCH_URL")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    rate_limit_per_minute: int = defaults.RATE_LIMIT_PER_MINUTE

    _split_origins = field_validator("cors_origins", mode="before")(comma_separated)
