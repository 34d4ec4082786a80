import os
import shutil
import tempfile
from pathlib import Path

import psutil
import pytest

from iopfinder.elasticsearch_node import SERVICE_USER, LocalNode, NodeSettings, health, install

pytestmark = pytest.mark.integration


def node_processes(node: LocalNode) -> list[psutil.Process]:
    leader = psutil.Process(node.state()["pid"])
    return [leader, *leader.children(recursive=True)]


def test_session_node_is_local_unprivileged_and_pinned(es_node, es):
    if es_node is None:
        pytest.skip("ELASTICSEARCH_URL names an external cluster")
    assert es_node.url.startswith("http://127.0.0.1:")
    version = es.nodes.info(metric="settings")["nodes"].popitem()[1]["version"]
    assert version == NodeSettings.from_env().version
    processes = node_processes(es_node)
    expected_user = SERVICE_USER if os.geteuid() == 0 else psutil.Process().username()
    assert {p.username() for p in processes} == {expected_user}
    listening = {c.laddr.ip.removeprefix("::ffff:") for p in processes for c in p.net_connections() if c.status == "LISTEN"}
    assert listening == {"127.0.0.1"}


def test_install_is_done_once():
    settings = NodeSettings.from_env()
    assert install(settings, say=pytest.fail) == settings.home  # already unpacked: nothing to say


def test_a_node_starts_and_stops_cleanly():
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-test-node-"))
    node = LocalNode(NodeSettings.from_env(), workdir)
    url = node.start(say=lambda message: None)
    try:
        assert health(url) in ("green", "yellow")
        assert node.running()
        processes = node_processes(node)
    finally:
        assert node.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    assert health(url) is None and not node.running()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in processes)
    assert not node.stop()
