"""How a process reaches and authenticates to Elasticsearch: its nodes' URLs, the credentials it
shows and the CA it trusts. The search API and the jobs both build their client from `Access`, and
both read it from the same variables (`ElasticsearchEnvironment`) into their own settings.

It sits beside the settings every process shares (facility/settings.py) because both rooms import
it: the API must not import the jobs' node management (iopfinder/) to reach its cluster. It is
plain data that builds no client, so the domain core stays free of I/O clients. Timeouts and
retries are not here: each service chooses its own (the API fails fast, the jobs wait).
"""

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from facility.settings import EnvSettings, comma_separated


@dataclass(frozen=True)
class Access:
    """A cluster's nodes' URLs (requests fail over between them) and the credentials a client shows."""

    urls: tuple[str, ...]
    api_key: str | None = None
    ca_certs: str | None = None  # the CA that signed the nodes' HTTPS certificates
    basic_auth: tuple[str, str] | None = None

    def client_options(self) -> dict:
        """Keyword arguments for `Elasticsearch(...)` and `AsyncElasticsearch(...)`."""
        options: dict = {"hosts": list(self.urls)}
        if self.api_key:
            options["api_key"] = self.api_key
        if self.basic_auth:
            options["basic_auth"] = self.basic_auth
        if self.ca_certs:
            options["ca_certs"] = self.ca_certs
        return options

    def headers(self) -> dict[str, str]:
        """The Authorization header of a plain HTTP request."""
        if self.api_key:
            return {"Authorization": f"ApiKey {self.api_key}"}
        if self.basic_auth:
            token = base64.b64encode(":".join(self.basic_auth).encode()).decode()
            return {"Authorization": f"Basic {token}"}
        return {}


class ElasticsearchEnvironment(EnvSettings):
    """A cluster of one's own, as the environment names it: ELASTICSEARCH_URL (its nodes,
    comma-separated), ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME and _PASSWORD, and
    ELASTICSEARCH_CA_CERTS for HTTPS. Read once, when a service reads its settings."""

    elasticsearch_urls: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias="ELASTICSEARCH_URL")
    elasticsearch_api_key: str | None = Field(None, validation_alias="ELASTICSEARCH_API_KEY")
    elasticsearch_ca_certs: Path | None = Field(None, validation_alias="ELASTICSEARCH_CA_CERTS")
    elasticsearch_username: str | None = Field(None, validation_alias="ELASTICSEARCH_USERNAME")
    elasticsearch_password: str | None = Field(None, validation_alias="ELASTICSEARCH_PASSWORD")

    _split_urls = field_validator("elasticsearch_urls", mode="before")(comma_separated)

    @property
    def elasticsearch_access(self) -> Access | None:
        """None when ELASTICSEARCH_URL is unset."""
        if not self.elasticsearch_urls:
            return None
        user = self.elasticsearch_username
        return Access(self.elasticsearch_urls, api_key=self.elasticsearch_api_key,
                      ca_certs=str(self.elasticsearch_ca_certs) if self.elasticsearch_ca_certs else None,
                      basic_auth=(user, self.elasticsearch_password or "") if user else None)
