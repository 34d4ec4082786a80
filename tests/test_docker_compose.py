"""The deployment files as data: they must parse and agree with the code (`make compose-test` runs them
for real on a Docker engine)."""

import re
from fnmatch import fnmatch
from pathlib import Path

import yaml

from facility import defaults

ROOT = Path(__file__).resolve().parents[1]
IMAGE = f"docker.elastic.co/elasticsearch/elasticsearch:{defaults.ELASTICSEARCH_VERSION}"
NODES = ("es01", "es02", "es03")
JOBS = ("import", "crawl", "crawl-sites", "index", "site", "backup")
SNAPSHOTS = "/usr/share/elasticsearch/snapshots"
HTTP_CACHE = "/var/cache/iopfinder/http"
RESET = object()  # compose's `!reset`: the key is removed from what the earlier file set


class ComposeLoader(yaml.SafeLoader):
    """Compose's merge tags (!override, !reset) read as plain values."""


ComposeLoader.add_constructor("!override", lambda loader, node: loader.construct_mapping(node)
                              if isinstance(node, yaml.MappingNode) else loader.construct_sequence(node))
ComposeLoader.add_constructor("!reset", lambda loader, node: RESET)


def load(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(), Loader=ComposeLoader)


def services() -> dict:
    return load("docker-compose.yml")["services"]


def cluster_environment(service: str) -> dict:
    """A service's environment with docker-compose.cluster.yml merged over docker-compose.yml."""
    base = services().get(service, {}).get("environment", {})
    override = load("docker-compose.cluster.yml")["services"][service].get("environment", {})
    merged = {**base, **override}
    return {key: value for key, value in merged.items() if value is not RESET}


def mounts(service: dict) -> dict[str, str]:
    """target path → source (volume name, host path or ${VARIABLE:-default}) of a service's volumes."""
    pairs = (re.match(r"(\$\{[^}]*\}[^:]*|[^:]+):([^:]+)", volume).groups() for volume in service.get("volumes", []))
    return {target: source for source, target in pairs}


def test_compose_stack_services_and_health():
    compose = load("docker-compose.yml")
    stack = compose["services"]
    assert set(stack) == {"certs", "es01", "api", "web", "keys", *JOBS}
    assert stack["es01"]["image"] == stack["certs"]["image"] == IMAGE
    assert "https://localhost:9200/_cluster/health" in " ".join(stack["es01"]["healthcheck"]["test"])
    assert stack["es01"]["depends_on"]["certs"]["condition"] == "service_completed_successfully"
    assert stack["api"]["build"] == "." and stack["api"]["depends_on"]["es01"]["condition"] == "service_healthy"
    assert stack["web"]["depends_on"]["api"]["condition"] == "service_healthy"
    for job in ("keys", *JOBS):
        assert stack[job]["profiles"] == ["jobs"] and "iopfinder " in " ".join(stack[job]["command"]), job
    assert stack["backup"]["command"] == ["iopfinder", "backup", "create"]
    named = {v.split(":")[0] for s in stack.values() for v in s.get("volumes", []) if not v.startswith((".", "$"))}
    assert named == set(compose["volumes"])


def test_elasticsearch_security_on_with_tls_from_the_certs_service():
    stack = services()
    node = stack["es01"]["environment"]
    assert node["xpack.security.enabled"] == "true"
    for layer in ("http", "transport"):
        assert node[f"xpack.security.{layer}.ssl.enabled"] == "true"
        assert node[f"xpack.security.{layer}.ssl.key"] == "certs/es01/es01.key"
        assert node[f"xpack.security.{layer}.ssl.certificate"] == "certs/es01/es01.crt"
        assert node[f"xpack.security.{layer}.ssl.certificate_authorities"] == "certs/ca/ca.crt"
    assert node["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD:?")  # from .env, never written here
    # The certs service writes into the volume the node reads its certificates from, with the script
    # the repository carries, for every node a compose file runs.
    config_certs = "/usr/share/elasticsearch/config/certs"
    certs = stack["certs"]
    assert mounts(certs)[config_certs] == mounts(stack["es01"])[config_certs] == "es-certs"
    script = next(source for target, source in mounts(certs).items() if target.endswith("elasticsearch-certs.sh"))
    assert (ROOT / script).is_file() and f"elasticsearch-certs.sh {config_certs} " in certs["command"][-1]
    assert certs["user"] == "0" and "nodes=(es01 es02 es03)" in (ROOT / script).read_text()


def test_the_api_reads_with_the_search_key_and_the_jobs_write_with_the_jobs_key():
    stack = services()
    printed = (ROOT / "iopfinder" / "commands" / "es.py").read_text()  # what `iopfinder es keys` prints
    assert "IOPFINDER_SEARCH_API_KEY=" in printed and "IOPFINDER_JOBS_API_KEY=" in printed
    api = stack["api"]["environment"]
    assert api["ELASTICSEARCH_API_KEY"] == "${IOPFINDER_SEARCH_API_KEY}"
    for job in JOBS:
        assert stack[job]["environment"]["ELASTICSEARCH_API_KEY"] == "${IOPFINDER_JOBS_API_KEY}", job
    keys = stack["keys"]
    assert keys["command"] == ["iopfinder", "es", "keys"] and "ELASTICSEARCH_API_KEY" not in keys["environment"]
    assert keys["environment"]["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD")
    # Over HTTPS, trusting the CA the certs service copies out (without any key) into `es-ca`.
    for name in ("api", "keys", "crawl", "crawl-sites", "index", "site", "backup"):
        environment = stack[name]["environment"]
        assert environment["ELASTICSEARCH_URL"] == "https://es01:9200", name
        ca_directory = str(Path(environment["ELASTICSEARCH_CA_CERTS"]).parent)
        assert mounts(stack[name])[ca_directory] == "es-ca", name
    assert mounts(stack["certs"])["/es-ca"] == "es-ca" and "/es-ca" in stack["certs"]["command"][-1]


def test_crawls_keep_their_http_cache_and_nodes_share_the_snapshot_volume():
    stack = services()
    for crawl in ("crawl", "crawl-sites"):
        assert stack[crawl]["environment"]["IOPFINDER_HTTP_CACHE_DIR"] == HTTP_CACHE
        assert mounts(stack[crawl])[HTTP_CACHE] == "http-cache"
    assert HTTP_CACHE in (ROOT / "Dockerfile").read_text()  # made and owned by the app's user in the image
    cluster = load("docker-compose.cluster.yml")["services"]
    for node in [stack["es01"], cluster["es02"], cluster["es03"]]:
        assert node["environment"]["path.repo"] == SNAPSHOTS
        assert mounts(node)[SNAPSHOTS] == "snapshots"
    assert mounts(stack["certs"])[SNAPSHOTS] == "snapshots" and f"chown 1000:0 {SNAPSHOTS}" in stack["certs"]["command"][-1]


def test_cluster_file_runs_three_nodes_that_find_each_other():
    main, cluster = services(), load("docker-compose.cluster.yml")["services"]
    assert set(cluster) - {"es02", "es03"} <= set(main)  # the rest only adjusts services of the main file
    single = main["es01"]["environment"]
    data_volumes = set()
    for name in NODES:
        environment = cluster_environment(name)
        others = [node for node in NODES if node != name]
        assert environment["node.name"] == name and environment["cluster.name"] == "iopfinder"
        assert environment["discovery.seed_hosts"].split(",") == others
        assert environment["cluster.initial_master_nodes"] == ",".join(NODES)
        assert "discovery.type" not in environment
        assert environment["ES_JAVA_OPTS"] == "-Xms256m -Xmx256m"
        # the same security as the single node, each with its own certificate
        assert {k: v for k, v in environment.items() if k.startswith("xpack.")} == \
            {k: v.replace("es01", name) for k, v in single.items() if k.startswith("xpack.")}
        assert environment["ELASTIC_PASSWORD"] == single["ELASTIC_PASSWORD"]
        node = main[name] if name == "es01" else cluster[name]
        assert node["image"] == IMAGE
        data_volumes.add(mounts(node)["/usr/share/elasticsearch/data"])
    assert len(data_volumes) == 3
    # every service that reaches Elasticsearch knows all three nodes
    urls = ",".join(f"https://{node}:9200" for node in NODES)
    reaching = [name for name, service in main.items() if "ELASTICSEARCH_URL" in service.get("environment", {})]
    assert reaching and all(cluster_environment(name)["ELASTICSEARCH_URL"] == urls for name in reaching)
    assert cluster_environment("index")["IOPFINDER_INDEX_REPLICAS"] == "1"
    assert cluster_environment("api")["ELASTICSEARCH_API_KEY"] == "${IOPFINDER_SEARCH_API_KEY}"


def test_nginx_serves_https_with_hsts_and_hides_metrics():
    web = services()["web"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert mounts(web)["/etc/nginx/conf.d/default.conf"] == "./deploy/nginx.conf"
    assert set(web["ports"]) == {"80:80", "443:443"}
    assert "listen 80;" in nginx and "listen 443 ssl http2;" in nginx
    assert "return 301 https://$host$request_uri;" in nginx
    # on the HTTPS server and again in /static/ (whose own headers replace the server's); no preload
    assert re.findall(r'add_header Strict-Transport-Security "([^"]*)" always;', nginx) == \
        ["max-age=31536000; includeSubDomains"] * 2
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in nginx
    assert re.search(r"location /metrics \{\s*return 404;\s*\}", nginx)
    assert "gzip_proxied any;" in nginx and "gzip_vary on;" in nginx
    for kind in ("text/css", "application/javascript", "application/json", "image/svg+xml", "text/csv",
                 "application/x-ndjson"):
        assert re.search(rf"gzip_types [^;]*{re.escape(kind)}[\s;]", nginx), kind
    # the certificate and the ACME webroot are where compose mounts them
    certificates = re.findall(r"ssl_certificate(?:_key)? (\S+);", nginx)
    assert sorted(certificates) == ["/etc/nginx/certs/fullchain.pem", "/etc/nginx/certs/privkey.pem"]
    assert mounts(web)["/etc/nginx/certs"] == "${IOPFINDER_TLS_DIR:-./deploy/certs}"
    assert "root /var/www/acme;" in nginx and mounts(web)["/var/www/acme"] == "./deploy/acme"
    assert (ROOT / "deploy" / "self-signed-cert.sh").is_file()


def test_dockerfile_copies_what_exists_and_nginx_proxies_the_api():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (?!--from=)(\S+)", dockerfile, re.MULTILINE):  # not from a stage
        for path in source.split():
            assert (ROOT / path).exists(), path
    assert "IOPFINDER_SITE_DIR=/app/site" in dockerfile
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_pass http://api:8000;" in nginx and "access_log off;" in nginx
    assert "X-Real-IP $remote_addr" in nginx and "Referrer-Policy" in nginx


def test_dockerfile_builds_on_the_official_images_unless_given_others():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ARG NODE_IMAGE=node:20-slim" in dockerfile and "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE) == ["${NODE_IMAGE}", "${PYTHON_IMAGE}"]


def test_the_build_context_holds_what_the_dockerfile_copies_and_leaves_the_checkout_out():
    ignored = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    copied = [path for sources in re.findall(r"^COPY (?!--from=)(.+) \S+$", (ROOT / "Dockerfile").read_text(),
                                             re.MULTILINE) for path in sources.split()]
    assert copied and not [path for path in copied if any(fnmatch(path, pattern) for pattern in ignored)]
    assert {".venv", "node_modules", ".git", "var", "test-artifacts"} <= set(ignored)


LOCAL_OVERRIDE = "deploy/local/compose.yml"


def test_the_local_override_changes_only_images_credentials_ports_and_the_rate_limit():
    main, cluster = services(), load("docker-compose.cluster.yml")["services"]
    local = load(LOCAL_OVERRIDE)["services"]
    assert set(local) == set(main) | set(cluster)
    allowed = {"image", "build", "ports", "environment", "volumes"}
    assert {name: set(service) - allowed for name, service in local.items() if set(service) - allowed} == {}
    # Elasticsearch and the certificates: the local image of the pinned version, never published
    for name in ("certs", *NODES):
        assert local[name]["image"] == "iopfinder-local/elasticsearch:${IOPFINDER_ES_VERSION:?the pinned Elasticsearch version}"
    assert local["es01"]["ports"] is RESET and "ports" not in local["es02"]
    # each node reads the file realm (read-only) instead of storing API keys; nothing else is mounted
    config = "/usr/share/elasticsearch/config"
    for name in NODES:
        assert {target: source for target, source in mounts(local[name]).items()} == \
            {f"{config}/{file}": f"${{IOPFINDER_FILE_REALM_DIR:?}}/{file}" for file in ("roles.yml", "users", "users_roles")}
        assert all(volume.endswith(":ro") for volume in local[name]["volumes"]), name
    # the API's and jobs' image under its own name (never production's iopfinder:latest), from local bases;
    # the API as the search user, the jobs as the jobs user, no API key
    for name, service in main.items():
        if "build" in service:
            assert local[name]["image"] == "iopfinder-local/app:latest", name
            assert local[name]["build"]["args"] == {"NODE_IMAGE": "iopfinder-local/node:latest",
                                                    "PYTHON_IMAGE": "iopfinder-local/python:latest"}, name
    for name in JOBS:
        assert local[name]["environment"] == {"ELASTICSEARCH_API_KEY": "", "ELASTICSEARCH_USERNAME": "iopfinder-jobs",
                                              "ELASTICSEARCH_PASSWORD": "${IOPFINDER_JOBS_PASSWORD:?}"}, name
    assert local["api"]["environment"] == {"ELASTICSEARCH_API_KEY": "", "ELASTICSEARCH_USERNAME": "iopfinder-search",
                                           "ELASTICSEARCH_PASSWORD": "${IOPFINDER_SEARCH_PASSWORD:?}",
                                           "IOPFINDER_RATE_LIMIT_PER_MINUTE": "0"}
    # nginx on 127.0.0.1 only, and nothing else published
    assert local["web"]["image"] == "iopfinder-local/nginx:latest"
    assert [port.split(":")[0] for port in local["web"]["ports"]] == ["127.0.0.1", "127.0.0.1"]
    assert [port.rsplit(":", 1)[1] for port in local["web"]["ports"]] == ["80", "443"]
    published = {name for name, service in local.items() if service.get("ports") not in (None, RESET)}
    assert published == {"web"}


def test_the_low_nofile_override_touches_only_the_nodes_limits():
    low = load("deploy/local/compose.low-nofile.yml")["services"]
    assert set(low) == set(NODES)
    shim = "/usr/local/lib/nofile-report.so"
    for name in NODES:
        assert low[name]["ulimits"] is RESET  # the machine's own limits
        assert low[name]["environment"] == {"LD_PRELOAD": shim, "IOPFINDER_REPORTED_NOFILE": "65536"}
    assert f"/nofile-report.so {shim}" in (ROOT / "deploy" / "local" / "elasticsearch.Dockerfile").read_text()


def test_the_local_images_are_laid_out_as_the_official_ones():
    local = ROOT / "deploy" / "local"
    elasticsearch = (local / "elasticsearch.Dockerfile").read_text()
    # the certs service and the snapshot volume give files to uid 1000 in group 0; compose mounts under the home
    assert "useradd --uid 1000 --gid 0" in elasticsearch and "USER 1000:0" in elasticsearch
    assert "WORKDIR /usr/share/elasticsearch" in elasticsearch
    for tool in ("curl", "unzip"):  # the health check's and the certs script's
        assert re.search(rf"apt-get install [^&]*\b{tool}\b", elasticsearch), tool
    assert "ES_DISTRIBUTION_TYPE=docker" in elasticsearch  # settings from environment variables
    assert (local / "elasticsearch-entrypoint.sh").is_file()
    nginx = (local / "nginx.Dockerfile").read_text()
    assert "/etc/nginx/sites-enabled/default" in nginx  # only conf.d/default.conf (deploy/nginx.conf) serves
    for name in ("python", "node", "nginx", "elasticsearch"):
        assert "FROM ${BASE_IMAGE}" in (local / f"{name}.Dockerfile").read_text(), name
