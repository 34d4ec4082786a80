"""The plain parts of `make compose-test` (benchmarks/compose_test.py): the file realm's roles, the
env file, the searches it sends and its pass rule. The run itself needs a Docker
engine and takes minutes: `make compose-test`."""

import importlib.util
import random
import stat
import sys
from pathlib import Path

import yaml

from iopfinder.access import key_roles

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # it imports its sibling load.py as the benchmarks do
spec = importlib.util.spec_from_file_location("compose_test", BENCHMARKS / "compose_test.py")
compose_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compose_test)


def test_the_file_realm_roles_are_the_api_keys_roles():
    roles = yaml.safe_load(compose_test.roles_yml("facilities"))
    assert roles == {f"iopfinder_{purpose}": role for purpose, role in key_roles("facilities").items()}
    assert roles["iopfinder_search"]["indices"][0]["privileges"] == ["read", "view_index_metadata", "monitor"]


def test_the_env_file_is_root_s_alone_and_holds_every_variable(tmp_path):
    path = tmp_path / "compose.env"
    compose_test.write_env_file(path, {"ELASTIC_PASSWORD": "pw", "IOPFINDER_SEARCH_API_KEY": ""})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "ELASTIC_PASSWORD=pw\nIOPFINDER_SEARCH_API_KEY=\n"


def test_the_search_mix_uses_the_given_places_and_real_filters():
    mix = compose_test.search_mix(["MA", "TX"], ["01608", "75201"], 300, random.Random(1))
    assert len(mix) == 300 and mix == compose_test.search_mix(["MA", "TX"], ["01608", "75201"], 300, random.Random(1))
    kinds = {params[0][0] for params in mix}
    assert kinds == {"zip", "state", "q"}
    for params in mix:
        values = dict(params)
        assert values.get("zip", "01608") in {"01608", "75201"} and values.get("state", "MA") in {"MA", "TX"}
        assert {name for name, _ in params} <= {"zip", "state", "q", "level", "sort", "payment", "language", "service"}


def outcome(status: str, fresh: bool, ok: bool):
    return compose_test.Outcome(0.0, 12.0, status, {"fresh": fresh, "ok": ok})


def test_the_node_kill_passes_only_with_every_search_answered_and_counted_and_a_green_cluster():
    answered = [outcome("200", True, True), outcome("200", False, True), outcome("200", False, True)]
    figures = compose_test.KillFigures("es02", 50, answered, green_after_restart_s=20.0)
    assert figures.passed and "0 failed" in figures.line() and "1 fresh from Elasticsearch: 0" in figures.line()
    for bad in (outcome("503 unavailable", True, False), outcome("200", False, False),  # another count
                outcome("ServerDisconnectedError", True, False)):
        figures = compose_test.KillFigures("es02", 50, [*answered, bad], 20.0)
        assert not figures.passed and figures.failed() == 1 and figures.failed(bad.detail["fresh"]) == 1
    assert not compose_test.KillFigures("es02", 50, answered, None).passed
    assert compose_test.KillFigures("es02", 50, answered, 20.0).windows() == \
        ["  0-  5 s  p99    12 ms  {'200 C': 2, '200 F': 1}"]


def test_a_503_says_whether_the_api_shed_it_or_elasticsearch_failed():
    assert compose_test.outcome_status(503, {"detail": "the service is busy; please try again in a moment"}) == "503 busy"
    assert compose_test.outcome_status(503, {"detail": "search is temporarily unavailable"}) == "503 unavailable"
    assert compose_test.outcome_status(200, {"total": 3}) == "200"


def test_the_test_never_uses_production_s_project_name():
    assert compose_test.PROJECT != "iopfinder"  # `down -v` must never reach a production stack's volumes
    assert compose_test.COMPOSE_FILES[:2] == ("docker-compose.yml", "docker-compose.cluster.yml")
