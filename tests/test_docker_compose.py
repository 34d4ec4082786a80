"""The deployment files as data: they must parse and agree with the code (no Docker engine runs here)."""

import re
from pathlib import Path

import yaml

from facility import defaults

ROOT = Path(__file__).resolve().parents[1]
IMAGE = f"docker.elastic.co/elasticsearch/elasticsearch:{defaults.ELASTICSEARCH_VERSION}"


class ComposeLoader(yaml.SafeLoader):
    """Compose's merge tags (!override, !reset) read as plain values."""


ComposeLoader.add_constructor("!override", lambda loader, node: loader.construct_mapping(node)
                              if isinstance(node, yaml.MappingNode) else loader.construct_sequence(node))
ComposeLoader.add_constructor("!reset", lambda loader, node: None)


def load(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(), Loader=ComposeLoader)


def test_compose_stack_services_and_health():
    compose = load("docker-compose.yml")
    services = compose["services"]
    assert set(services) == {"elasticsearch", "api", "web", "import", "crawl", "crawl-sites", "index", "site"}
    elasticsearch = services["elasticsearch"]
    assert elasticsearch["image"] == IMAGE
    assert "_cluster/health" in " ".join(elasticsearch["healthcheck"]["test"])
    assert services["api"]["build"] == "." and services["api"]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert services["api"]["environment"]["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert services["web"]["depends_on"]["api"]["condition"] == "service_healthy"
    for job in ("import", "crawl", "crawl-sites", "index", "site"):
        assert services[job]["profiles"] == ["jobs"] and "iopfinder" in " ".join(services[job]["command"])
    named = {v.split(":")[0] for s in services.values() for v in s.get("volumes", []) if not v.startswith((".", "$"))}
    assert named <= set(compose["volumes"])
    nginx_conf = services["web"]["volumes"][1].split(":")[0]
    assert (ROOT / nginx_conf).is_file()


def test_cluster_override_has_three_nodes_and_replicas():
    cluster = load("docker-compose.cluster.yml")["services"]
    assert {"elasticsearch", "es02", "es03"} <= set(cluster)
    assert cluster["es02"]["image"] == cluster["es03"]["image"] == IMAGE
    masters = {s["environment"]["cluster.initial_master_nodes"] for s in (cluster["elasticsearch"], cluster["es02"], cluster["es03"])}
    assert masters == {"es01,es02,es03"}
    assert cluster["index"]["environment"] == {"IOPFINDER_INDEX_SHARDS": "3", "IOPFINDER_INDEX_REPLICAS": "1"}


def test_dockerfile_copies_what_exists_and_nginx_proxies_the_api():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (?!--from=)(\S+)", dockerfile, re.MULTILINE):  # not from a stage
        for path in source.split():
            assert (ROOT / path).exists(), path
    assert "IOPFINDER_SITE_DIR=/app/site" in dockerfile
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_pass http://api:8000;" in nginx and "access_log off;" in nginx
    assert "X-Real-IP $remote_addr" in nginx and "Referrer-Policy" in nginx
