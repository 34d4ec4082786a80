"""The API's settings: the cluster it searches, as the jobs' settings read it from the same
variables, or as `iopfinder serve` gives it; and the client the API makes from it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from facility.elasticsearch_access import Access
from facility.settings import SettingsError
from iopfinder.elasticsearch_node import NodeSettings
from search_api.main import create_app
from search_api.settings import ApiSettings

def test_the_api_and_the_jobs_read_one_cluster_from_one_environment(environment):
    environment.setenv("ELASTICSEARCH_URL", "https://es01:9200,https://es02:9200")
    environment.setenv("ELASTICSEARCH_API_KEY", "c2VhcmNo")
    environment.setenv("ELASTICSEARCH_CA_CERTS", "/etc/iopfinder/es-ca/ca.crt")
    expected = Access(("https://es01:9200", "https://es02:9200"), api_key="c2VhcmNo",
                      ca_certs="/etc/iopfinder/es-ca/ca.crt")
    assert ApiSettings.from_env().elasticsearch == expected
    assert NodeSettings.from_env().elasticsearch_access == expected


def test_the_cluster_given_wins_over_the_environment(environment):
    environment.setenv("ELASTICSEARCH_URL", "https://es01:9200")
    local = Access(("https://127.0.0.1:9200",), ca_certs="/cache/local/certs/ca.crt", basic_auth=("search", "pw"))
    assert ApiSettings.from_env(elasticsearch=local).elasticsearch == local


def test_without_a_cluster_the_error_names_the_variable(environment):
    with pytest.raises(SettingsError, match="^ELASTICSEARCH_URL: "):
        ApiSettings.from_env()


class RecordingElasticsearch(BaseHTTPRequestHandler):
    """Answers every request with 404 and keeps its Authorization header."""

    seen: list[str | None] = []

    def do_GET(self):
        self.seen.append(self.headers.get("Authorization"))
        body = json.dumps({"error": "no such index", "status": 404}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):
        pass


def test_the_api_client_shows_the_credentials_of_its_settings():
    RecordingElasticsearch.seen.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingElasticsearch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with TestClient(create_app(ApiSettings(elasticsearch=Access((url,), api_key="c2VhcmNo")))) as client:
            assert client.get("/readyz").status_code == 503
    finally:
        server.shutdown()
        server.server_close()
    assert RecordingElasticsearch.seen and set(RecordingElasticsearch.seen) == {"ApiKey c2VhcmNo"}
