"""What `iopfinder es start` runs: one local node, or several on 127.0.0.1 forming one cluster,
with security off, or on with TLS, the `elastic` password and the search and jobs credentials.

The distribution run here has no analysis-common module, without which Elasticsearch cannot
create its `.security` index, and so cannot store API keys. A secured local cluster therefore
gives the search API and the jobs users of the file realm instead, holding exactly the roles
the API keys of a production cluster hold (iopfinder/access.py): what one may do, the other may.

Everything lives under one root (`NodeSettings.local_root`): `node-1`, `node-2`, … (each a
LocalNode), `certs/` (a CA and the nodes' certificate, made by `elasticsearch-certutil`) and
`access.json` (the passwords; readable by its owner only).
"""

import json
import secrets
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from facility import defaults
from facility.elasticsearch_access import Access
from iopfinder.access import key_roles
from iopfinder.elasticsearch_node import (Layout, LocalNode, NodeError, NodeSettings, _java_home, fetch, free_port,
                                          install)


@dataclass(frozen=True)
class NodeStatus:
    name: str
    pid: int | None
    url: str
    role: str  # Elasticsearch's node.role letters, with "*" for the elected master
    state: str  # "up", "not joined" (its process runs but it is not in the cluster) or "down"


class LocalCluster:
    def __init__(self, settings: NodeSettings, root: Path | None = None):
        self.settings = settings
        self.root = root or settings.local_root
        self.access_file = self.root / "access.json"

    def nodes(self) -> list[LocalNode]:
        found = sorted(self.root.glob("node-*"), key=lambda path: int(path.name.removeprefix("node-")))
        return [LocalNode(self.settings, path) for path in found]

    def _saved(self) -> dict:
        try:
            return json.loads(self.access_file.read_text())
        except (OSError, ValueError):
            return {}

    def secured(self) -> bool:
        return "password" in self._saved()

    def access(self, purpose: str = "jobs") -> Access | None:
        """How `purpose` ("jobs", "search" or "admin") reaches the cluster; None when none was started."""
        layouts = [layout for layout in (node.layout() for node in self.nodes()) if layout]
        if not layouts:
            return None
        urls = tuple(layout.url for layout in layouts)
        saved = self._saved()
        if "password" not in saved:
            return Access(urls)
        ca = str(self.root / "certs" / "ca.crt")
        user, password = ("elastic", saved["password"]) if purpose == "admin" else saved["users"][purpose]
        return Access(urls, ca_certs=ca, basic_auth=(user, password))

    def start(self, count: int = 1, say=print) -> Access:
        """Start the nodes (making them first, or again when the count or security changed) and wait
        until all have joined; returns the jobs' access."""
        secure = self.settings.security
        nodes = self.nodes()
        if len(nodes) != count or self.secured() != secure or any(node.layout() is None for node in nodes):
            if nodes:
                say(f"Replacing the local cluster in {self.root} ({len(nodes)} node(s), security "
                    f"{'on' if self.secured() else 'off'}) with {count} node(s), security {'on' if secure else 'off'}")
            self.stop()
            nodes = self._make(count, secure)
        waiting = [(node, node.launch(say)) for node in nodes if not node.alive()]
        for node, process in waiting:
            node.wait_until_healthy(process)
        self.wait_for_nodes(count)
        return self.access("jobs")

    def _make(self, count: int, secure: bool) -> list[LocalNode]:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        heap = self.settings.heap or (defaults.ELASTICSEARCH_HEAP if count == 1 else defaults.ELASTICSEARCH_CLUSTER_HEAP)
        http_ports, transport_ports = [], []
        for n in range(count):  # 9200…/9300… where free, so that the usual URL works
            http_ports.append(free_port(defaults.ELASTICSEARCH_HTTP_PORT + n))
            transport_ports.append(free_port(defaults.ELASTICSEARCH_TRANSPORT_PORT + n))
        names = [f"iopfinder-{n + 1}" for n in range(count)]
        cluster = tuple(zip(names, transport_ports)) if count > 1 else ()
        certs, password, users, roles_yml = None, None, {}, ""
        if secure:
            certs, password = str(self._certificates()), secrets.token_urlsafe(24)
            roles = key_roles(defaults.INDEX_ALIAS)
            users = {purpose: (f"iopfinder-{purpose}", secrets.token_urlsafe(24)) for purpose in roles}
            roles_yml = "".join(f"iopfinder_{purpose}: {json.dumps(role)}\n" for purpose, role in roles.items())  # JSON is YAML
            self._save(password=password, users=users)
        nodes = []
        for n in range(count):
            node = LocalNode(self.settings, self.root / f"node-{n + 1}")
            node.configure(Layout(name=names[n], http_port=http_ports[n], transport_port=transport_ports[n],
                                  heap=heap, cluster=cluster, certs=certs, password=password))
            if users:  # the file realm: each node reads its own copy
                (node.workdir / "config" / "roles.yml").write_text(roles_yml)
                for purpose, (user, user_password) in users.items():
                    node.tool("elasticsearch-users", "useradd", user, "-p", user_password, "-r", f"iopfinder_{purpose}")
            nodes.append(node)
        return nodes

    def _certificates(self) -> Path:
        """A new CA and one certificate for 127.0.0.1/localhost that every node serves."""
        certs = self.root / "certs"
        tool = install(self.settings) / "bin" / "elasticsearch-certutil"
        env = {"ES_JAVA_HOME": str(_java_home(self.settings)), "PATH": "/usr/bin:/bin"}
        with tempfile.TemporaryDirectory() as scratch:
            ca_zip, node_zip = Path(scratch) / "ca.zip", Path(scratch) / "node.zip"
            steps = [["ca", "--silent", "--pem", "--out", str(ca_zip)],
                     ["cert", "--silent", "--pem", "--ca-cert", f"{scratch}/ca/ca.crt", "--ca-key", f"{scratch}/ca/ca.key",
                      "--ip", "127.0.0.1", "--dns", "localhost", "--name", "node", "--out", str(node_zip)]]
            for step, archive in zip(steps, (ca_zip, node_zip)):
                result = subprocess.run([str(tool), *step], capture_output=True, text=True, env=env)
                if result.returncode != 0:
                    raise NodeError(f"elasticsearch-certutil {step[0]} failed: {result.stdout[-1000:]}")
                zipfile.ZipFile(archive).extractall(scratch)
            certs.mkdir()
            shutil.copy(Path(scratch) / "ca" / "ca.crt", certs)
            for name in ("node.crt", "node.key"):
                shutil.copy(Path(scratch) / "node" / name, certs)
        return certs

    def _save(self, **values) -> None:
        saved = self._saved() | values
        self.access_file.write_text(json.dumps(saved))
        self.access_file.chmod(0o600)

    def wait_for_nodes(self, count: int, timeout: float = defaults.ELASTICSEARCH_START_TIMEOUT_S) -> None:
        """Until `count` nodes have joined one cluster (as any node answering sees it)."""
        admin = self.access("admin")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for url in admin.urls:
                try:
                    if fetch(url, "/_cluster/health", admin, timeout=1)["number_of_nodes"] >= count:
                        return
                except (OSError, ValueError, KeyError):
                    continue
            time.sleep(0.5)
        raise NodeError(f"{count} nodes did not form a cluster within {timeout:.0f}s; see the console.log "
                        f"files under {self.root}")

    def stop(self) -> int:
        """Stop every node; the number that were running."""
        return sum(node.stop() for node in self.nodes())

    def status(self) -> list[NodeStatus]:
        admin = self.access("admin")
        joined: dict[str, str] = {}
        for url in admin.urls if admin else ():
            try:
                rows = fetch(url, "/_cat/nodes?format=json&h=name,node.role,master", admin, timeout=2)
            except (OSError, ValueError):
                continue
            joined = {row["name"]: row["node.role"] + ("*" if row["master"] == "*" else "") for row in rows}
            break
        statuses = []
        for node in self.nodes():
            layout, state = node.layout(), node.state()
            if layout is None:
                continue
            alive = node.alive()
            statuses.append(NodeStatus(
                name=layout.name, pid=state["pid"] if state and alive else None, url=layout.url,
                role=joined.get(layout.name, "-"),
                state="up" if layout.name in joined else "not joined" if alive else "down"))
        return statuses
