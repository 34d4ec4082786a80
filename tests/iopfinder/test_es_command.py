"""`iopfinder es` as operators run it against a cluster of their own (ELASTICSEARCH_URL)."""

from iopfinder.elasticsearch_node import free_port
from tests.iopfinder.test_cli import iopfinder


def test_status_names_each_url_and_fails_when_none_answers(es_url):
    down = f"http://127.0.0.1:{free_port()}"
    both = iopfinder("es", "status", es_url=f"{down},{es_url}")
    assert both.returncode == 0, both.stderr
    lines = both.stdout.splitlines()
    assert lines[0] == f"{down}  unreachable"
    assert lines[1].startswith(f"{es_url}  cluster health ")
    assert iopfinder("es", "status", es_url=down).returncode == 1


def test_url_prints_every_node_of_the_cluster(es_url):
    down = f"http://127.0.0.1:{free_port()}"
    assert iopfinder("es", "url", es_url=f"{es_url}, {down}", check=True).stdout.strip() == f"{es_url},{down}"


def test_jobs_fail_over_to_a_node_that_answers(es_url):
    down = f"http://127.0.0.1:{free_port()}"
    assert "is unreachable" in iopfinder("backup", "list", es_url=down).stderr
    for order in (f"{down},{es_url}", f"{es_url},{down}"):
        assert "is unreachable" not in iopfinder("backup", "list", es_url=order).stderr


def test_keys_needs_the_superuser_password(es_url):
    result = iopfinder("es", "keys", es_url=es_url, ELASTIC_PASSWORD="")
    assert result.returncode == 1
    assert "ELASTIC_PASSWORD" in result.stderr
