"""A project-managed local Elasticsearch node for development, tests and CI.

Runs the official distribution Elastic publishes to Maven Central for integration testing
(`org.elasticsearch.distribution.integ-test-zip:elasticsearch`), fetched with `mvn` into a
cache outside the repository, on the machine's Java 17, bound to 127.0.0.1, single-node,
security off, with a small heap. Elasticsearch refuses to run as root, so as root the node
runs as an unprivileged system user. Production uses the official image instead (see
docker-compose.yml); `ELASTICSEARCH_URL` set means: use that cluster and start nothing.
"""

import json
import os
import tempfile
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import Field

from facility import defaults
from facility.settings import EnvSettings, read_settings

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
SERVICE_USER = "iopfinder-es"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


class NodeError(Exception):
    """The local node could not be installed, started or reached; the message says why."""


def _default_cache_dir() -> Path:
    # Root's home is private, and the node's unprivileged user must read the distribution.
    if os.geteuid() == 0:
        return Path("/var/cache/iopfinder")
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iopfinder"


class NodeSettings(EnvSettings):
    """Which Elasticsearch the commands use, and how the local node is installed and run."""

    cache_dir: Path = Field(default_factory=_default_cache_dir, validation_alias="IOPFINDER_CACHE")
    version: str = Field(defaults.ELASTICSEARCH_VERSION, validation_alias="IOPFINDER_ES_VERSION")
    heap: str = Field(defaults.ELASTICSEARCH_HEAP, validation_alias="IOPFINDER_ES_HEAP")
    external_url: str | None = Field(None, validation_alias="ELASTICSEARCH_URL")  # set: start nothing
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
    def default_workdir(self) -> Path:
        return self.cache_dir / "node"

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health(url: str, timeout: float = 2.0) -> str | None:
    """Cluster health status ('green', 'yellow', 'red'), or None when unreachable."""
    try:
        with _DIRECT.open(f"{url}/_cluster/health", timeout=timeout) as response:
            return json.load(response).get("status")
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


class LocalNode:
    """One node with its own config, data and logs under `workdir`."""

    def __init__(self, settings: NodeSettings, workdir: Path):
        self.settings = settings
        self.workdir = workdir
        self.state_file = workdir / "node.json"

    def state(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    @property
    def url(self) -> str | None:
        state = self.state()
        return state["url"] if state else None

    def running(self) -> bool:
        url = self.url
        return bool(url) and health(url) in ("green", "yellow")

    def start(self, port: int | None = None, say=print) -> str:
        if self.running():
            return self.url
        home = install(self.settings, say)
        port = port or free_port()
        config = self._write_config(home, port)
        env = dict(os.environ, ES_JAVA_HOME=str(_java_home(self.settings)), ES_PATH_CONF=str(config),
                   ES_TMPDIR=str(self.workdir / "tmp"),
                   ES_JAVA_OPTS=f"-Xms{self.settings.heap} -Xmx{self.settings.heap}")
        command = [str(home / "bin" / "elasticsearch")]
        if os.geteuid() == 0:
            uid, gid = _service_user()
            for path in [self.workdir, *self.workdir.rglob("*"), self.settings.snapshots]:
                os.chown(path, uid, gid)
            command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *command]
        log = open(self.workdir / "console.log", "ab")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.workdir)
        url = f"http://127.0.0.1:{port}"
        self.state_file.write_text(json.dumps({"pid": process.pid, "url": url}))
        say(f"Starting Elasticsearch {self.settings.version} on {url} ...")
        deadline = time.monotonic() + defaults.ELASTICSEARCH_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.state_file.unlink(missing_ok=True)
                raise NodeError(f"Elasticsearch exited with {process.returncode}; "
                                f"last lines of {self.workdir / 'console.log'}:\n{self._log_tail()}")
            if health(url, timeout=1) in ("green", "yellow"):
                return url
            time.sleep(0.5)
        self.stop()
        raise NodeError(f"Elasticsearch did not become healthy in "
                        f"{defaults.ELASTICSEARCH_START_TIMEOUT_S}s:\n{self._log_tail()}")

    def _write_config(self, home: Path, port: int) -> Path:
        config = self.workdir / "config"
        for sub in ("data", "logs", "tmp"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self.settings.snapshots.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(config, ignore_errors=True)
        shutil.copytree(home / "config", config)
        (config / "elasticsearch.yml").write_text("\n".join([
            "cluster.name: iopfinder-local",
            "node.name: iopfinder-local",
            "network.host: 127.0.0.1",
            f"http.port: {port}",
            f"transport.port: {free_port()}",
            "discovery.type: single-node",
            "xpack.security.enabled: false",
            # a nearly full disk must not turn the test indices read-only
            "cluster.routing.allocation.disk.threshold_enabled: false",
            f"path.data: {self.workdir / 'data'}",
            f"path.logs: {self.workdir / 'logs'}",
            f"path.repo: {self.settings.snapshots}",
            "",
        ]))
        return config

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
    if settings.external_url:
        yield settings.external_url
        return
    with scratch_node(settings, say=say) as node:
        yield node.url
