"""`Access`: how the search API and the jobs reach and authenticate to Elasticsearch, and the
environment that names it."""

import base64

import pytest

from facility.elasticsearch_access import Access, ElasticsearchEnvironment
from facility.settings import read_settings

def test_client_options_carry_the_nodes_and_only_the_credentials_given():
    assert Access(("http://127.0.0.1:9200",)).client_options() == {"hosts": ["http://127.0.0.1:9200"]}
    keyed = Access(("https://es01:9200", "https://es02:9200"), api_key="a2V5", ca_certs="/certs/ca.crt")
    assert keyed.client_options() == {"hosts": ["https://es01:9200", "https://es02:9200"], "api_key": "a2V5",
                                      "ca_certs": "/certs/ca.crt"}
    assert Access(("https://es01:9200",), basic_auth=("search", "s3cret")).client_options() == {
        "hosts": ["https://es01:9200"], "basic_auth": ("search", "s3cret")}


def test_headers_authenticate_a_plain_request_as_the_client_would():
    assert Access(("http://127.0.0.1:9200",)).headers() == {}
    assert Access(("https://es01:9200",), api_key="a2V5").headers() == {"Authorization": "ApiKey a2V5"}
    basic = Access(("https://es01:9200",), basic_auth=("search", "s3cret")).headers()["Authorization"]
    assert basic.startswith("Basic ") and base64.b64decode(basic.removeprefix("Basic ")) == b"search:s3cret"


def test_the_environment_names_a_cluster_of_several_nodes_with_its_credentials(environment):
    environment.setenv("ELASTICSEARCH_URL", "https://es01:9200, https://es02:9200,")
    environment.setenv("ELASTICSEARCH_CA_CERTS", "/etc/iopfinder/es-ca/ca.crt")
    environment.setenv("ELASTICSEARCH_USERNAME", "iopfinder-search")
    environment.setenv("ELASTICSEARCH_PASSWORD", "s3cret")
    assert read_settings(ElasticsearchEnvironment).elasticsearch_access == Access(
        ("https://es01:9200", "https://es02:9200"), ca_certs="/etc/iopfinder/es-ca/ca.crt",
        basic_auth=("iopfinder-search", "s3cret"))
    environment.delenv("ELASTICSEARCH_USERNAME")
    environment.setenv("ELASTICSEARCH_API_KEY", "a2V5")
    assert read_settings(ElasticsearchEnvironment).elasticsearch_access == Access(
        ("https://es01:9200", "https://es02:9200"), api_key="a2V5", ca_certs="/etc/iopfinder/es-ca/ca.crt")


@pytest.mark.parametrize("url", [None, ""])
def test_no_url_is_no_cluster_of_ones_own(environment, url):
    if url is not None:
        environment.setenv("ELASTICSEARCH_URL", url)
    environment.setenv("ELASTICSEARCH_API_KEY", "a2V5")
    assert read_settings(ElasticsearchEnvironment).elasticsearch_access is None

