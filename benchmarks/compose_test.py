"""`make compose-test`: the production compose stack, run for real on this machine's Docker engine.

docker-compose.yml and docker-compose.cluster.yml as deployed, with deploy/local/compose.yml for
what this machine lacks: no image registry is reached, so the images are built here
(deploy/local/: Debian stand-ins for the official images, Elasticsearch from the pinned
distribution on Maven Central; the API's image from the Dockerfile). The phases:
1. engine: Docker and Compose installed, dockerd started, where missing (deploy/local/docker-engine.sh);
2. images: each built (layer cache kept; --rebuild-images removes them all first), its build time printed;
3. users: the search and jobs credentials, with the roles of the API keys of iopfinder/access.py
   (as users of the file realm: the local Elasticsearch cannot store API keys, see deploy/local/compose.yml);
4. cluster: the certificates, three Elasticsearch nodes with security and TLS;
5. import, index, site: the jobs on the real 2022 directory (../shared/data, mounted read-only);
6. serve: the API and nginx over HTTPS on 127.0.0.1; `_cat/nodes` through compose, a search through nginx;
7. node kill: 50 searches/s through nginx for 30 s with the elected master killed 5 s in, one in five
   asking for a fresh answer (`Cache-Control: no-cache`), so that Elasticsearch answers 10 a second
   throughout and the API's cache the rest, as it does for searches people repeat; not one may fail
   or count differently than before the kill; the node is then started again and the cluster must
   be green within 120 s;
8. down: `docker compose down -v`, and no container, network or volume of the project left.
All traffic goes to the stack's containers and to the ports it publishes on 127.0.0.1. Exits non-zero
when any step fails and ends with a summary: each phase's time and the node-kill figures.

    .venv/bin/python benchmarks/compose_test.py [--rebuild-images] [--data DIR] [--rate N] [--fresh-every N]
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from facility import defaults
from iopfinder.access import key_roles
from iopfinder.elasticsearch_node import NodeSettings, free_port, install
from load import Outcome, by_status, offered_load, percentile, search_mix

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "deploy" / "local"
# Not production's `iopfinder`: `down -v` here can never remove a production stack's volumes.
PROJECT = "iopfinder-compose-test"
COMPOSE_FILES = ("docker-compose.yml", "docker-compose.cluster.yml", "deploy/local/compose.yml")
# only where containers may not hold the open files Elasticsearch's bootstrap check asks for (its comment)
LOW_NOFILE = "deploy/local/compose.low-nofile.yml"
ES_NOFILE_MINIMUM = 65_535
NODES = ("es01", "es02", "es03")
BASE_IMAGE = "iopfinder-local/debian:bookworm"
STAND_INS = ("python", "node", "nginx")  # deploy/local/<name>.Dockerfile → iopfinder-local/<name>:latest
DIRECTORY = "samhsa/National_Directory_SA_Facilities_2022.xlsx"  # what the import service reads
COORDINATES = "samhsa/locator_export_2021_geocoded.csv"
SEARCH = "/v1/facilities?zip=01608&level=iop&size=3"  # Worcester, MA
RATE = 50  # searches per second through nginx while a node is killed
FRESH_EVERY = 5  # one search in this many asks for an answer from Elasticsearch, the others may be kept ones
LOAD_S = 30
KILL_AT_S = 5
CLIENT_TIMEOUT_S = 6
GREEN_WITHIN_S = 120
MAX_MAP_COUNT = 262_144  # Elasticsearch's bootstrap check, enforced on a node bound beyond loopback
MAX_MAP_COUNT_FILE = Path("/proc/sys/vm/max_map_count")


class StepFailed(Exception):
    """A step failed; the message says which and why."""


def run(command: list, env: dict | None = None, show=lambda line: True, timeout: float = 1800) -> str:
    """Run `command`, printing the lines of its output that `show` keeps; its output, or StepFailed
    with its last lines (also when it runs past `timeout` seconds and is killed)."""
    process = subprocess.Popen([str(part) for part in command], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if show(line):
            print(f"    {line.rstrip()[:160]}", flush=True)
    code = process.wait()
    watchdog.cancel()
    if code:
        tail = "\n".join(lines[-25:])
        raise StepFailed(f"`{' '.join(map(str, command[:8]))} ...` exited {code}:\n{tail}")
    return "\n".join(lines)


def output(command: list, env: dict | None = None) -> str:
    """The standard output of a short command; StepFailed with its error output."""
    result = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    if result.returncode:
        raise StepFailed(f"`{' '.join(map(str, command[:8]))} ...` exited {result.returncode}: "
                         f"{result.stderr.strip()[-2000:]}")
    return result.stdout


def build_steps(line: str) -> bool:
    return line.startswith("Step ")


def quiet(line: str) -> bool:
    return False


def not_compose_status(line: str) -> bool:
    """A job's own output, without compose's lines about the containers, volumes and networks it makes."""
    return not line.lstrip().startswith(("Container ", "Volume ", "Network "))


class Phases:
    """Each phase's name and time, printed as it ends and kept for the summary."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.notes: dict[str, str] = {}

    @contextmanager
    def __call__(self, name: str):
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - started
            print(f"   {name}: {self.seconds[name]:.1f} s", flush=True)


def roles_yml(alias: str) -> str:
    """The file realm's roles: the search and jobs keys' role descriptors, as iopfinder/access.py
    gives them to the keys (JSON is YAML)."""
    return "".join(f"iopfinder_{purpose}: {json.dumps(role)}\n" for purpose, role in key_roles(alias).items())


def write_env_file(path: Path, variables: dict[str, str]) -> None:
    """Compose's --env-file, readable by root alone (it holds the password and the keys)."""
    path.touch(mode=0o600)
    path.write_text("".join(f"{name}={value}\n" for name, value in variables.items()))


@dataclass
class KillFigures:
    """What the searches met while a node was killed. Each outcome's detail: `fresh` (asked for an
    answer from Elasticsearch), `ok` (a 200 with the total counted before the kill)."""
    victim: str
    rate: float
    outcomes: list[Outcome]
    green_after_restart_s: float | None

    def failed(self, fresh: bool | None = None) -> int:
        return sum(not o.detail["ok"] for o in self.outcomes if fresh is None or o.detail["fresh"] == fresh)

    @property
    def passed(self) -> bool:
        return not self.failed() and self.green_after_restart_s is not None

    def windows(self, seconds: float = 5) -> list[str]:
        """Each `seconds` of the load: its outcomes by status, with F for fresh and C for kept answers."""
        lines = []
        for start in range(0, int(max((o.at for o in self.outcomes), default=0)) + 1, int(seconds)):
            window = [o for o in self.outcomes if start <= o.at < start + seconds]
            marked = [Outcome(o.at, o.latency_ms, f"{o.status} {'F' if o.detail['fresh'] else 'C'}", o.detail)
                      for o in window]
            latencies = [o.latency_ms for o in window]
            lines.append(f"{start:3d}-{start + int(seconds):3d} s  p99 {percentile(latencies, 0.99):5.0f} ms  "
                         f"{by_status(marked)}")
        return lines

    def line(self) -> str:
        latencies = [o.latency_ms for o in self.outcomes]
        fresh = sum(o.detail["fresh"] for o in self.outcomes)
        green = (f"green again {self.green_after_restart_s:.1f} s after its restart"
                 if self.green_after_restart_s is not None else f"NOT green within {GREEN_WITHIN_S} s of its restart")
        return (f"{self.victim} (the elected master) killed {KILL_AT_S} s into {LOAD_S} s of {self.rate:g} searches/s "
                f"through nginx: {len(self.outcomes)} sent, {self.failed()} failed or miscounted "
                f"({fresh} fresh from Elasticsearch: {self.failed(True)}; {len(self.outcomes) - fresh} from the "
                f"API's cache: {self.failed(False)}); by status {by_status(self.outcomes)}; "
                f"p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
                f"max {max(latencies, default=0):.0f} ms; {green}")


class Stack:
    """The compose project: its variables, its certificate for nginx, and the compose commands."""

    def __init__(self, workdir: Path, data: Path, es_version: str):
        self.workdir = workdir
        self.tls = workdir / "tls"
        self.env_file = workdir / "compose.env"
        self.https_port, self.http_port = free_port(), free_port()
        self.variables = {
            "ELASTIC_PASSWORD": secrets.token_urlsafe(18),
            # production's API keys: unused here, the API and jobs log in as the file realm's users
            "IOPFINDER_SEARCH_API_KEY": "",
            "IOPFINDER_JOBS_API_KEY": "",
            "IOPFINDER_SEARCH_PASSWORD": secrets.token_urlsafe(18),
            "IOPFINDER_JOBS_PASSWORD": secrets.token_urlsafe(18),
            "IOPFINDER_FILE_REALM_DIR": str(workdir / "file-realm"),
            "IOPFINDER_ES_VERSION": es_version,
            "IOPFINDER_HTTP_PORT": str(self.http_port),
            "IOPFINDER_HTTPS_PORT": str(self.https_port),
            "IOPFINDER_TLS_DIR": str(self.tls),
            "IOPFINDER_SOURCE_DATA": str(data),
            "IOPFINDER_BASE_URL": f"https://127.0.0.1:{self.https_port}",
        }
        # the file decides: none of its variables is taken from the calling shell
        self.env = {name: value for name, value in os.environ.items() if name not in self.variables}
        self.files = list(COMPOSE_FILES)
        self.created = False

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def ca_file(self) -> Path:
        return self.tls / "fullchain.pem"

    def compose(self, *arguments: str) -> list[str]:
        files = [part for name in self.files for part in ("-f", str(ROOT / name))]
        return ["docker", "compose", "-p", PROJECT, "--env-file", str(self.env_file), *files, *arguments]

    def prepare(self) -> None:
        write_env_file(self.env_file, self.variables)
        run(["bash", ROOT / "deploy" / "self-signed-cert.sh", "127.0.0.1", self.tls], show=quiet)

    def make_users(self) -> None:
        """roles.yml, users and users_roles for every node, the users made by elasticsearch-users in a
        container of the nodes' image (the files are group 0's, as the nodes read them)."""
        realm = Path(self.variables["IOPFINDER_FILE_REALM_DIR"])
        realm.mkdir()
        (realm / "roles.yml").write_text(roles_yml(defaults.INDEX_ALIAS))
        image = f"iopfinder-local/elasticsearch:{self.variables['IOPFINDER_ES_VERSION']}"
        add = " && ".join(f'elasticsearch-users useradd iopfinder-{purpose} -p "$IOPFINDER_{purpose.upper()}_PASSWORD" '
                          f"-r iopfinder_{purpose}" for purpose in ("search", "jobs"))
        output(["docker", "run", "--rm", "--user", "0", "-v", f"{realm}:/realm",
                "-e", "IOPFINDER_SEARCH_PASSWORD", "-e", "IOPFINDER_JOBS_PASSWORD", image, "bash", "-c",
                f"cp /realm/roles.yml config/ && {add} && cp config/users config/users_roles /realm/ "
                f"&& chown root:0 /realm/* && chmod 640 /realm/*"],
               env=dict(self.env, IOPFINDER_SEARCH_PASSWORD=self.variables["IOPFINDER_SEARCH_PASSWORD"],
                        IOPFINDER_JOBS_PASSWORD=self.variables["IOPFINDER_JOBS_PASSWORD"]))
        print("  iopfinder-search (role iopfinder_search: reads the alias) and iopfinder-jobs "
              "(role iopfinder_jobs: builds and swaps indices) made; passwords in the env file only", flush=True)

    def up(self, *services: str) -> None:
        self.created = True
        run(self.compose("up", "-d", "--no-build", "--wait", "--wait-timeout", "600", *services), env=self.env,
            show=lambda line: line.rstrip().endswith(("Healthy", "Started")))

    def job(self, service: str) -> str:
        self.created = True
        return run(self.compose("run", "--rm", "-T", service), env=self.env, show=not_compose_status)

    def elasticsearch(self, node: str, path: str) -> str:
        """GET `path` from Elasticsearch inside `node`'s container, as the `elastic` user."""
        curl = (f'curl -sS --fail --cacert config/certs/ca/ca.crt -u "elastic:$ELASTIC_PASSWORD" '
                f'"https://localhost:9200/{path}"')
        return output(self.compose("exec", "-T", node, "bash", "-c", curl), env=self.env)

    def down(self) -> dict[str, list[str]]:
        """`down -v`, then what is left of the project: containers, networks, volumes."""
        run(self.compose("down", "-v", "--remove-orphans", "--timeout", "20"), env=self.env, show=quiet)
        label = f"label=com.docker.compose.project={PROJECT}"
        return {
            "containers": output(["docker", "ps", "-aq", "--filter", label]).split(),
            "networks": output(["docker", "network", "ls", "-q", "--filter", label]).split(),
            "volumes": sorted(set(output(["docker", "volume", "ls", "-q", "--filter", label]).split())
                              | set(output(["docker", "volume", "ls", "-q", "--filter", f"name={PROJECT}_"]).split())),
        }


def start_engine() -> str:
    """The pid of the dockerd this run started ("" when one was running)."""
    return output(["bash", LOCAL / "docker-engine.sh", "start"]).strip()


def raise_max_map_count() -> int | None:
    """Raise vm.max_map_count to Elasticsearch's minimum; the value it had, when it was lower."""
    before = int(MAX_MAP_COUNT_FILE.read_text())
    if before >= MAX_MAP_COUNT:
        return None
    MAX_MAP_COUNT_FILE.write_text(str(MAX_MAP_COUNT))
    print(f"vm.max_map_count raised from {before} to {MAX_MAP_COUNT} (Elasticsearch's bootstrap check); "
          f"restored at the end", flush=True)
    return before


def remove_local_images() -> None:
    names = output(["docker", "images", "--filter", "reference=iopfinder-local/*",
                    "--format", "{{.Repository}}:{{.Tag}}"]).split()
    if names:
        output(["docker", "rmi", "-f", *names])
        output(["docker", "image", "prune", "-f"])
    print(f"removed {len(names)} image(s): {', '.join(names) or 'none'}", flush=True)


def timed(name: str, build, times: dict[str, float]) -> None:
    print(f"  {name}", flush=True)
    started = time.perf_counter()
    build()
    times[name] = time.perf_counter() - started
    print(f"  {name}: ready in {times[name]:.1f} s", flush=True)


def build_images(stack: Stack, es_archive: Path) -> dict[str, float]:
    """Every image the stack runs, in order of need; image → build time."""
    times: dict[str, float] = {}
    timed(BASE_IMAGE, lambda: run(["bash", LOCAL / "debian-base.sh", BASE_IMAGE]), times)
    for name in STAND_INS:
        timed(f"iopfinder-local/{name}:latest", lambda name=name: run(
            ["docker", "build", "--force-rm", "-f", LOCAL / f"{name}.Dockerfile", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
             "-t", f"iopfinder-local/{name}:latest", LOCAL], show=build_steps), times)

    version = stack.variables["IOPFINDER_ES_VERSION"]

    def elasticsearch():
        # its context: the distribution's zip and the two files it adds, nothing else
        with tempfile.TemporaryDirectory(prefix="iopfinder-es-image-") as context:
            try:
                os.link(es_archive, Path(context) / "elasticsearch.zip")
            except OSError:
                shutil.copy(es_archive, Path(context) / "elasticsearch.zip")
            for name in ("elasticsearch-entrypoint.sh", "nofile-report.c"):
                shutil.copy(LOCAL / name, context)
            run(["docker", "build", "--force-rm", "-f", LOCAL / "elasticsearch.Dockerfile", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
                 "-t", f"iopfinder-local/elasticsearch:{version}", context], show=build_steps)

    timed(f"iopfinder-local/elasticsearch:{version}", elasticsearch, times)
    # the API's and the jobs' image, as production builds it: from the Dockerfile, through compose
    timed("iopfinder-local/app:latest", lambda: run(stack.compose("build", "api"), env=stack.env, show=build_steps),
          times)
    return times


def containers_open_files_limit() -> int:
    """The hard limit on open files a container gets on this engine."""
    return int(output(["docker", "run", "--rm", BASE_IMAGE, "sh", "-c", "ulimit -Hn"]).strip())


def cluster_health(stack: Stack, node: str, wait: str) -> dict:
    return json.loads(stack.elasticsearch(node, f"_cluster/health?{wait}&timeout=60s"))


def serve_checks(stack: Stack) -> None:
    nodes = stack.elasticsearch("es01", "_cat/nodes?v&h=name,ip,node.role,master,heap.max&s=name")
    print(f"  docker compose exec es01 curl .../_cat/nodes:\n{nodes.rstrip()}", flush=True)
    if len(nodes.strip().splitlines()) != 1 + len(NODES):
        raise StepFailed(f"_cat/nodes lists {len(nodes.strip().splitlines()) - 1} nodes, not {len(NODES)}")
    url = stack.base_url + SEARCH
    print(f"  curl --cacert {stack.ca_file} '{url}'", flush=True)
    answer = json.loads(output(["curl", "-sS", "--fail", "--cacert", stack.ca_file, url]))
    if not answer["total"]:
        raise StepFailed(f"the search through nginx found nothing: {url}")
    print(f"    total {answer['total']}; nearest:", flush=True)
    for result in answer["results"]:
        print(f"    {result['name']} — {result['address']['city']}, {result['address']['state']} "
              f"({result['distance_mi']:.1f} mi)", flush=True)
    home = output(["curl", "-sS", "--fail", "--cacert", stack.ca_file, "-o", "/dev/null", "-w",
                   "%{http_code} %{size_download} bytes", stack.base_url + "/"])
    redirect = output(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} → %{redirect_url}",
                       f"http://127.0.0.1:{stack.http_port}/"])
    print(f"  the site's home page over HTTPS: {home}; plain HTTP: {redirect}", flush=True)


async def searches_through_nginx(stack: Stack, session: aiohttp.ClientSession) -> list[list[tuple[str, str]]]:
    """A mix of 200 searches from the indexed data: its states, and ZIPs its IOPs are in."""
    async with session.get(f"{stack.base_url}/v1/states") as response:
        states = [state["code"] for state in (await response.json())["states"] if state["iop_facilities"]]
    rng = random.Random(23)
    zips = []
    for state in rng.sample(states, 10):
        async with session.get(f"{stack.base_url}/v1/facilities", params={"state": state, "level": "iop",
                                                                           "size": "20"}) as response:
            zips += [result["address"]["zip"] for result in (await response.json())["results"]]
    return search_mix(states, zips, 200, rng)


def outcome_status(status: int, body: dict) -> str:
    """The status, and for a 503 which one: the API shedding load (busy) or Elasticsearch failing."""
    if status != 503:
        return str(status)
    return "503 busy" if "busy" in str(body.get("detail")) else "503 unavailable"


async def node_kill(stack: Stack, rate: float, fresh_every: int) -> KillFigures:
    context = ssl.create_default_context(cafile=str(stack.ca_file))
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_S)
    fresh_header = {"Cache-Control": "no-cache"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, ssl=context), timeout=timeout) as session:
        queries = await searches_through_nginx(stack, session)
        expected = {}  # counted from Elasticsearch, which also leaves the answers in the API's cache
        for params in queries:
            async with session.get(f"{stack.base_url}/v1/facilities", params=params, headers=fresh_header) as response:
                if response.status != 200:
                    raise StepFailed(f"a search before the kill answered {response.status}: {params}")
                expected[tuple(params)] = (await response.json())["total"]
        searches = [(queries[i % len(queries)], i % fresh_every == 0) for i in range(int(rate * LOAD_S))]

        async def send(search):
            params, fresh = search
            try:
                async with session.get(f"{stack.base_url}/v1/facilities", params=params,
                                       headers=fresh_header if fresh else None) as response:
                    body = await response.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:  # no answer at all
                return type(error).__name__, {"fresh": fresh, "ok": False}
            ok = response.status == 200 and body["total"] == expected[tuple(params)]
            return outcome_status(response.status, body), {"fresh": fresh, "ok": ok}

        victim = stack.elasticsearch("es01", "_cat/master?h=node").strip()
        survivor = next(node for node in NODES if node != victim)
        print(f"  {len(queries)} distinct searches, counted once before; killing {victim} (the elected master) "
              f"{KILL_AT_S} s into {LOAD_S} s at {rate:g}/s, one in {fresh_every} fresh ...", flush=True)
        load = asyncio.create_task(offered_load(send, searches, rate, LOAD_S))
        await asyncio.sleep(KILL_AT_S)
        await asyncio.to_thread(output, stack.compose("kill", victim), stack.env)
        outcomes = await load
        after = cluster_health(stack, survivor, "wait_for_nodes=2")
        print(f"  after the load: {after['number_of_nodes']} nodes, status {after['status']}; "
              f"starting {victim} again ...", flush=True)
        restarted = time.perf_counter()
        await asyncio.to_thread(output, stack.compose("start", victim), stack.env)
        green_s = None
        while time.perf_counter() - restarted < GREEN_WITHIN_S:
            try:
                health = await asyncio.to_thread(cluster_health, stack, survivor,
                                                 f"wait_for_nodes={len(NODES)}&wait_for_status=green")
            except StepFailed:
                health = {}
            if health.get("status") == "green" and health.get("number_of_nodes") == len(NODES):
                green_s = time.perf_counter() - restarted
                break
            await asyncio.sleep(1)
    return KillFigures(victim, rate, outcomes, green_s)


def check_data(data: Path) -> Path:
    data = data.resolve()
    for name in (DIRECTORY, COORDINATES):
        if not (data / name).is_file():
            raise SystemExit(f"--data {data}: {name} is missing (the SAMHSA files as ../shared/data lays them out; "
                             f"`iopfinder data fetch --edition 2022` fetches them and prints their folder)")
    return data


def es_archive(settings: NodeSettings) -> Path:
    install(settings, say=print)
    archive = settings.cache_dir / "downloads" / f"elasticsearch-{settings.version}.zip"
    if not archive.is_file():
        raise StepFailed(f"{archive} is missing: delete {settings.home} and run `iopfinder es install`")
    return archive


def summary(phases: Phases, images: dict[str, float], kill: KillFigures | None,
            leftovers: dict[str, list[str]] | None, failure: str | None) -> None:
    print("\n== compose-test summary")
    for name, seconds in phases.seconds.items():
        print(f"  {name:<8} {seconds:7.1f} s  {phases.notes.get(name, '')}")
    print(f"  {'total':<8} {sum(phases.seconds.values()):7.1f} s")
    if images:
        print("  image build times: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in images.items()))
    if kill:
        print(f"  node kill: {kill.line()}")
    if leftovers is not None:
        print("  left after down -v: " + ", ".join(f"{len(items)} {kind}" for kind, items in leftovers.items()))
    print(f"  RESULT: {'FAIL: ' + failure if failure else 'PASS'}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="the SAMHSA files, laid out as ../shared/data (default)")
    parser.add_argument("--rebuild-images", action="store_true",
                        help="remove the images built here before, build all anew")
    parser.add_argument("--rate", type=float, default=RATE, help="searches per second while a node is killed")
    parser.add_argument("--fresh-every", type=int, default=FRESH_EVERY,
                        help="one search in this many asks for a fresh answer (1: all of them)")
    arguments = parser.parse_args()
    data = check_data(arguments.data)
    if os.geteuid() != 0:
        raise SystemExit("compose-test installs and starts the Docker engine: run it as root")

    phases, images = Phases(), {}
    kill = leftovers = failure = None
    dockerd = ""
    max_map_count_before = None
    settings = NodeSettings.from_env()
    stack = Stack(Path(tempfile.mkdtemp(prefix="iopfinder-compose-test-")), data, settings.version)
    try:
        with phases("engine"):
            dockerd = start_engine()
            phases.notes["engine"] = f"dockerd started (pid {dockerd})" if dockerd else "dockerd was running"
            print(output(["docker", "compose", "version"]).strip(), "|",
                  "Docker Engine", output(["docker", "version", "-f", "{{.Server.Version}}"]).strip(), flush=True)
        max_map_count_before = raise_max_map_count()
        stack.prepare()
        with phases("images"):
            if arguments.rebuild_images:
                remove_local_images()
            images = build_images(stack, es_archive(settings))
        with phases("users"):
            stack.make_users()
        with phases("cluster"):
            open_files = containers_open_files_limit()
            if open_files < ES_NOFILE_MINIMUM:
                stack.files.append(LOW_NOFILE)
                phases.notes["cluster"] = (f"containers may hold {open_files} open files, not the {ES_NOFILE_MINIMUM} "
                                           f"Elasticsearch asks for: {LOW_NOFILE} added")
                print(f"  NOTE: {phases.notes['cluster']}", flush=True)
            stack.up(*NODES)
            health = cluster_health(stack, "es01", f"wait_for_nodes={len(NODES)}&wait_for_status=yellow")
            print(f"  {health['number_of_nodes']} nodes, status {health['status']}", flush=True)
        with phases("import"):
            stack.job("import")
        with phases("index"):
            stack.job("index")
            health = cluster_health(stack, "es01", "wait_for_status=green")
            print(f"  cluster {health['status']}: {health['active_shards']} active shards", flush=True)
        with phases("site"):
            stack.job("site")
        with phases("serve"):
            stack.up("api", "web")
            serve_checks(stack)
        with phases("kill"):
            kill = asyncio.run(node_kill(stack, arguments.rate, arguments.fresh_every))
            print("\n".join(f"    {line}" for line in kill.windows()), flush=True)
            print(f"  {kill.line()}", flush=True)
            if not kill.passed:
                raise StepFailed(f"node kill: {kill.failed()} of {len(kill.outcomes)} searches failed or miscounted"
                                 + ("" if kill.green_after_restart_s is not None else
                                    f"; not green within {GREEN_WITHIN_S} s of the node's restart"))
    except StepFailed as error:
        failure = str(error)
        print(f"\nFAILED: {failure}", file=sys.stderr, flush=True)
    finally:
        if stack.created:
            with phases("down"):
                try:
                    leftovers = stack.down()
                except StepFailed as error:
                    failure = failure or str(error)
                else:
                    for kind, items in leftovers.items():
                        print(f"  {kind} of {PROJECT} left: {len(items)} {' '.join(items)}", flush=True)
                    if any(leftovers.values()):
                        failure = failure or f"left after down -v: {leftovers}"
        if dockerd:
            output(["bash", LOCAL / "docker-engine.sh", "stop", dockerd])
            print(f"stopped the dockerd this run started (pid {dockerd}); its images stay in /var/lib/docker",
                  flush=True)
        if max_map_count_before is not None:
            MAX_MAP_COUNT_FILE.write_text(str(max_map_count_before))
            print(f"vm.max_map_count restored to {max_map_count_before}", flush=True)
        shutil.rmtree(stack.workdir, ignore_errors=True)
    summary(phases, images, kill, leftovers, failure)
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
