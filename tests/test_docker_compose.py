from pathlib import Path

import yaml

from facility import defaults

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def test_compose_runs_the_pinned_official_elasticsearch_with_a_healthcheck():
    compose = yaml.safe_load(COMPOSE.read_text())
    elasticsearch = compose["services"]["elasticsearch"]
    assert elasticsearch["image"] == (
        f"docker.elastic.co/elasticsearch/elasticsearch:{defaults.ELASTICSEARCH_VERSION}")
    assert elasticsearch["environment"]["discovery.type"] == "single-node"
    assert "_cluster/health" in " ".join(elasticsearch["healthcheck"]["test"])
    volume = elasticsearch["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
