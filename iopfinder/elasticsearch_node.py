"""Project-managed local Elasticsearch nodes for development, tests and CI.

Runs the official distribution Elastic publishes to Maven Central for integration testing
(`org.elasticsearch.distribution.integ-test-zip:elasticsearch`), fetched with `mvn` into a
cache outside the repository, on the machine's Java 17, bound to 127.0.0.1, with a small heap:
a single node, or one of several forming a cluster (iopfinder/local_cluster.py), with security
off or on (TLS on HTTP and transport, the `elastic` password in the keystore). Elasticsearch
refuses to run as root, so as root the nodes run as an unprivileged system user. Production
uses the official image instead (see docker-compose.yml); `ELASTICSEARCH_URL` set means: use
that cluster and start nothing.
"""

import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import Field

from facility import defaults
from facility.elasticsearch_access import Access, ElasticsearchEnvironment
from facility.settings import read_settings

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
SERVICE_USER = "iopfinder-es"


class NodeError(Exception):
    """The local node could not be installed, started or reached; the message says why."""


def _default_cache_dir() -> Path:
    # Root's home is private, and the node's unprivileged user must read the distribution.
    if os.geteuid() == 0:
        return Path("/var/cache/iopfinder")
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iopfinder"


class NodeSettings(ElasticsearchEnvironment):
    """Which Elasticsearch the commands use (ELASTICSEARCH_URL set: that cluster, starting nothing),
    and how the local node is installed and run."""

    cache_dir: Path = Field(default_factory=_default_cache_dir, validation_alias="IOPFINDER_CACHE")
    version: str = Field(defaults.ELASTICSEARCH_VERSION, validation_alias="IOPFINDER_ES_VERSION")
    heap: str | None = Field(None, validation_alias="IOPFINDER_ES_HEAP")  # unset: by the number of nodes
    security: bool = Field(False, validation_alias="IOPFINDER_ES_SECURITY")  # local nodes: TLS, passwords, keys
    java_home: Path | None = Field(None, validation_alias="ES_JAVA_HOME")
    # the `fs` snapshot repository's root (path.repo): shared by every local node, kept across restarts
    snapshot_dir: Path | None = Field(None, validation_alias="IOPFINDER_SNAPSHOT_DIR")

    @classmethod
    def from_env(cls) -> "NodeSettings":
        """Raises SettingsError on a bad value."""
        return read_settings(cls)

    @property
    def home(self) -> Path:
        return self.cache_dir / f"elasticsearch-{self.version}"

    @property
    def local_root(self) -> Path:
        """Where `iopfinder es start` keeps its nodes, certificates and keys."""
        return self.cache_dir / "local"

    @property
    def snapshots(self) -> Path:
        return self.snapshot_dir or self.cache_dir / "snapshots"


def install(settings: NodeSettings, say=print) -> Path:
    """Fetch and unpack the distribution once; later calls return at once."""
    launcher = settings.home / "bin" / "elasticsearch"
    if launcher.exists():
        return settings.home
    downloads = settings.cache_dir / "downloads"
    archive = downloads / f"elasticsearch-{settings.version}.zip"
    if not archive.exists():
        if not shutil.which("mvn"):
            raise NodeError("Maven (mvn) is needed to fetch Elasticsearch: run `make setup`")
        say(f"Fetching Elasticsearch {settings.version} from Maven Central ...")
        result = subprocess.run(
            ["mvn", "-B", "-q", "dependency:copy",
             f"-Dartifact={ARTIFACT.format(version=settings.version)}",
             f"-DoutputDirectory={downloads}"],
            capture_output=True, text=True,
        )
        if result.returncode != 0 or not archive.exists():
            raise NodeError(f"mvn could not fetch Elasticsearch {settings.version}:\n{result.stdout[-2000:]}")
    say(f"Unpacking {archive.name} ...")
    staging = settings.cache_dir / f".unpack-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            path = Path(bundle.extract(member, staging))
            mode = (member.external_attr >> 16) & 0o777
            if mode:  # zipfile drops permission bits; the launch scripts need theirs
                path.chmod(mode | 0o444 | (0o111 if path.is_dir() else 0))
    shutil.rmtree(settings.home, ignore_errors=True)
    (staging / f"elasticsearch-{settings.version}").rename(settings.home)
    shutil.rmtree(staging, ignore_errors=True)
    return settings.home


def _java_home(settings: NodeSettings) -> Path:
    if settings.java_home:
        return settings.java_home
    java = shutil.which("java")
    if not java:
        raise NodeError("Java 17 not found: run `make setup` (installs openjdk-17-jre-headless)")
    return Path(java).resolve().parents[1]


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nothing listens there, else a port the system picks."""
    with socket.socket() as probe:
        if preferred and probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _opener(access: Access | None) -> urllib.request.OpenerDirector:
    handlers: list = [urllib.request.ProxyHandler({})]  # never via a proxy
    if access and access.ca_certs:
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=access.ca_certs)))
    return urllib.request.build_opener(*handlers)


def fetch(url: str, path: str, access: Access | None = None, timeout: float = 2.0) -> dict | list:
    """GET a JSON answer from one node, as `access` authenticates; raises OSError or ValueError."""
    request = urllib.request.Request(f"{url}{path}", headers=access.headers() if access else {})
    with _opener(access).open(request, timeout=timeout) as response:
        return json.load(response)


def health(url: str, timeout: float = 2.0, access: Access | None = None) -> str | None:
    """Cluster health status ('green', 'yellow', 'red') as `url` sees it, or None when unreachable."""
    try:
        return fetch(url, "/_cluster/health", access, timeout).get("status")
    except (OSError, ValueError):
        return None


def _service_user() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        SERVICE_USER], check=True)
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


@dataclass(frozen=True)
class Layout:
    """Where one node listens, the cluster it belongs to, and whether it runs with security."""

    name: str
    http_port: int
    transport_port: int
    heap: str
    cluster: tuple[tuple[str, int], ...] = ()  # (name, transport port) of every node; () = single node
    certs: str | None = None  # directory holding ca.crt, node.crt, node.key: security and TLS on
    password: str | None = None  # the `elastic` superuser's password, with security on

    @property
    def url(self) -> str:
        return f"{'https' if self.certs else 'http'}://127.0.0.1:{self.http_port}"

    def admin_access(self) -> Access:
        if not self.certs:
            return Access((self.url,))
        return Access((self.url,), ca_certs=str(Path(self.certs) / "ca.crt"), basic_auth=("elastic", self.password))

    def settings_lines(self, node_dir: Path, snapshots: Path) -> list[str]:
        lines = [
            "cluster.name: iopfinder-local",
            f"node.name: {self.name}",
            "network.host: 127.0.0.1",
            f"http.port: {self.http_port}",
            f"transport.port: {self.transport_port}",
            # a nearly full disk must not turn the test indices read-only
            "cluster.routing.allocation.disk.threshold_enabled: false",
            f"path.data: {node_dir / 'data'}",
            f"path.logs: {node_dir / 'logs'}",
            f"path.repo: {snapshots}",
        ]
        if self.cluster:
            lines += [f"discovery.seed_hosts: {json.dumps([f'127.0.0.1:{port}' for _, port in self.cluster])}",
                      f"cluster.initial_master_nodes: {json.dumps([name for name, _ in self.cluster])}"]
        else:
            lines.append("discovery.type: single-node")
        if not self.certs:
            return [*lines, "xpack.security.enabled: false"]
        for layer in ("http", "transport"):
            lines += [f"xpack.security.{layer}.ssl.enabled: true",
                      f"xpack.security.{layer}.ssl.key: certs/node.key",
                      f"xpack.security.{layer}.ssl.certificate: certs/node.crt",
                      f"xpack.security.{layer}.ssl.certificate_authorities: certs/ca.crt"]
        return [*lines, "xpack.security.enabled: true",
                "xpack.security.transport.ssl.verification_mode: certificate"]


class LocalNode:
    """One node with its own config, data and logs under `workdir`."""

    def __init__(self, settings: NodeSettings, workdir: Path):
        self.settings = settings
        self.workdir = workdir
        self.state_file = workdir / "node.json"  # the running process: pid and URL
        self.layout_file = workdir / "layout.json"  # how it was configured, to start it again

    def state(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def layout(self) -> Layout | None:
        try:
            return Layout(**{key: tuple(map(tuple, value)) if key == "cluster" else value
                             for key, value in json.loads(self.layout_file.read_text()).items()})
        except (OSError, ValueError, TypeError):
            return None

    @property
    def url(self) -> str | None:
        state = self.state()
        return state["url"] if state else None

    def admin_access(self) -> Access | None:
        layout = self.layout()
        return layout.admin_access() if layout else None

    def alive(self) -> bool:
        """Its process runs and its HTTP port answers (with or without a cluster to join)."""
        state = self.state()
        if not state or not _alive(state["pid"]):
            return False
        try:
            with socket.create_connection(("127.0.0.1", self.layout().http_port), defaults.ELASTICSEARCH_ALIVE_S):
                return True
        except (OSError, AttributeError):
            return False

    def running(self) -> bool:
        url = self.url
        return bool(url) and health(url, access=self.admin_access()) in ("green", "yellow")

    def start(self, port: int | None = None, say=print) -> str:
        """Start a single-node cluster (on `port`, or a free one) and wait until it is healthy."""
        if self.running():
            return self.url
        self.configure(Layout(name="iopfinder-local", http_port=port or free_port(),
                              transport_port=free_port(), heap=self.settings.heap or defaults.ELASTICSEARCH_HEAP))
        return self.wait_until_healthy(self.launch(say))

    def configure(self, layout: Layout) -> None:
        home = install(self.settings)
        config = self.workdir / "config"
        for sub in ("data", "logs", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self.settings.snapshots.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(config, ignore_errors=True)
        shutil.copytree(home / "config", config)
        (config / "elasticsearch.yml").write_text(
            "\n".join(layout.settings_lines(self.workdir, self.settings.snapshots)) + "\n")
        if layout.certs:
            shutil.copytree(layout.certs, config / "certs")
            self.tool("elasticsearch-keystore", "create")
            self.tool("elasticsearch-keystore", "add", "-x", "bootstrap.password", given=layout.password)
        self.layout_file.write_text(json.dumps(asdict(layout)))
        self.layout_file.chmod(0o600)  # it holds the superuser's password

    def tool(self, tool: str, *arguments: str, given: str | None = None) -> None:
        """Run one of the distribution's command-line tools on this node's configuration."""
        result = subprocess.run([str(install(self.settings) / "bin" / tool), *arguments], input=given,
                                capture_output=True, text=True, env=self._environment())
        if result.returncode != 0:
            raise NodeError(f"{tool} {' '.join(arguments)} failed: {(result.stderr or result.stdout)[-1000:]}")

    def _environment(self) -> dict[str, str]:
        layout = self.layout()
        heap = layout.heap if layout else defaults.ELASTICSEARCH_HEAP
        return dict(os.environ, ES_JAVA_HOME=str(_java_home(self.settings)), ES_PATH_CONF=str(self.workdir / "config"),
                    ES_TMPDIR=str(self.workdir / "tmp"), ES_JAVA_OPTS=f"-Xms{heap} -Xmx{heap}")

    def launch(self, say=print) -> subprocess.Popen:
        """Start the process as configured; returns without waiting for it to be up."""
        layout = self.layout()
        if layout is None:
            raise NodeError(f"{self.workdir} holds no configured node")
        command = [str(install(self.settings) / "bin" / "elasticsearch")]
        if os.geteuid() == 0:
            uid, gid = _service_user()
            for path in [self.workdir, *self.workdir.rglob("*"), self.settings.snapshots]:
                os.chown(path, uid, gid)
            command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *command]
        with open(self.workdir / "console.log", "ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self._environment(),
                                       stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.workdir)
        self.state_file.write_text(json.dumps({"pid": process.pid, "url": layout.url}))
        say(f"Starting Elasticsearch {self.settings.version} node {layout.name} on {layout.url} ...")
        return process

    def wait_until_healthy(self, process: subprocess.Popen | None = None) -> str:
        """Waits until the cluster answers green or yellow through this node; returns its URL."""
        url, access = self.url, self.admin_access()
        deadline = time.monotonic() + defaults.ELASTICSEARCH_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                self.state_file.unlink(missing_ok=True)
                raise NodeError(f"Elasticsearch exited with {process.returncode}; "
                                f"last lines of {self.workdir / 'console.log'}:\n{self._log_tail()}")
            if health(url, timeout=1, access=access) in ("green", "yellow"):
                return url
            time.sleep(0.5)
        self.stop()
        raise NodeError(f"Elasticsearch did not become healthy in "
                        f"{defaults.ELASTICSEARCH_START_TIMEOUT_S}s:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join((self.workdir / "console.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 60) -> bool:
        """Stop the node this workdir started; False when none was running."""
        state = self.state()
        if not state:
            return False
        pid = state["pid"]
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            self.state_file.unlink(missing_ok=True)
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
        self.state_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """SIGKILL, as a crashed machine would: no shutdown, no goodbye to the cluster."""
        state = self.state()
        if state:
            os.killpg(state["pid"], signal.SIGKILL)
            while _alive(state["pid"]):
                time.sleep(0.05)
            self.state_file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    try:  # reap it if it is our own child
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    return True


@contextmanager
def scratch_node(settings: NodeSettings, port: int | None = None, say=print) -> Iterator[LocalNode]:
    """A started node in a temporary directory, stopped and removed afterwards (tests, benchmarks)."""
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-es-"))
    node = LocalNode(settings, workdir)
    try:
        node.start(port=port, say=say)
        yield node
    finally:
        node.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def elasticsearch_url_for_run(say=print) -> Iterator[str]:
    """ELASTICSEARCH_URL when set; otherwise a scratch node's URL for as long as the block runs."""
    settings = NodeSettings.from_env()
    if settings.elasticsearch_urls:
        yield settings.elasticsearch_urls[0]
        return
    with scratch_node(settings, say=say) as node:
        yield node.url
