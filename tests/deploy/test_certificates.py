"""The two certificate scripts of deploy/: nginx's self-signed pair, and Elasticsearch's CA and node
certificates made with elasticsearch-certutil from the pinned distribution (as the `certs` service does)."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from iopfinder.elasticsearch_node import NodeSettings, install

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NODES = ("es01", "es02", "es03")

needs_openssl = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not on PATH")


def run(script: str, *arguments, **environment) -> str:
    result = subprocess.run(["bash", DEPLOY / script, *map(str, arguments)], capture_output=True, text=True,
                            env=dict(os.environ, **environment), timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def openssl(*arguments) -> str:
    return subprocess.run(["openssl", *map(str, arguments)], capture_output=True, text=True, check=True).stdout


def valid_for_years(certificate: Path, years: int) -> bool:
    checked = subprocess.run(["openssl", "x509", "-in", certificate, "-noout", "-checkend", str(years * 365 * 86400)],
                             capture_output=True)
    return checked.returncode == 0


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@needs_openssl
def test_self_signed_certificate_names_the_host_and_keeps_an_existing_pair(tmp_path):
    certs = tmp_path / "certs"
    run("self-signed-cert.sh", "iop.example.org", certs)
    certificate, key = certs / "fullchain.pem", certs / "privkey.pem"
    names = openssl("x509", "-in", certificate, "-noout", "-ext", "subjectAltName,basicConstraints")
    assert "DNS:iop.example.org, DNS:localhost, IP Address:127.0.0.1" in names and "CA:FALSE" in names
    assert mode(key) == 0o600 and mode(certificate) == 0o644
    # the key belongs to the certificate
    assert openssl("pkey", "-in", key, "-pubout") == openssl("x509", "-in", certificate, "-noout", "-pubkey")

    before = certificate.read_bytes()
    assert "kept" in run("self-signed-cert.sh", "other.example.org", certs)
    assert certificate.read_bytes() == before


@needs_openssl
@pytest.mark.integration  # elasticsearch-certutil runs on Java, from the distribution the local node uses
def test_elasticsearch_certificates_one_ca_signs_every_node(tmp_path):
    settings = NodeSettings.from_env()
    java = settings.java_home or Path(shutil.which("java")).resolve().parents[1]
    environment = {"ES_HOME": str(install(settings)), "ES_JAVA_HOME": str(java)}
    certs, ca = tmp_path / "certs", tmp_path / "ca"
    run("elasticsearch-certs.sh", certs, ca, **environment)

    assert sorted(p.name for p in ca.iterdir()) == ["ca.crt"]  # what the API and jobs see: no key
    assert (ca / "ca.crt").read_bytes() == (certs / "ca" / "ca.crt").read_bytes() and mode(ca / "ca.crt") == 0o644
    assert mode(certs / "ca" / "ca.key") == 0o600
    assert valid_for_years(ca / "ca.crt", 9)  # outlives the node certificates it signs, renewed every 3 years
    for node in NODES:
        certificate, key = certs / node / f"{node}.crt", certs / node / f"{node}.key"
        assert openssl("verify", "-CAfile", ca / "ca.crt", certificate).strip() == f"{certificate}: OK"
        names = openssl("x509", "-in", certificate, "-noout", "-ext", "subjectAltName")
        assert f"DNS:{node}" in names and "DNS:localhost" in names
        assert mode(key) == 0o640 and mode(certs / node) == 0o750
        assert valid_for_years(certificate, 2) and not valid_for_years(certificate, 4)

    # Run again: everything kept. Without one node's directory: only that node's certificate is new.
    kept = {path: path.read_bytes() for path in certs.rglob("*") if path.is_file()}
    run("elasticsearch-certs.sh", certs, ca, **environment)
    assert {path: path.read_bytes() for path in certs.rglob("*") if path.is_file()} == kept
    shutil.rmtree(certs / "es02")
    assert "es02" in run("elasticsearch-certs.sh", certs, ca, **environment).splitlines()[0]
    assert (certs / "es01" / "es01.crt").read_bytes() == kept[certs / "es01" / "es01.crt"]
    assert (certs / "es02" / "es02.crt").read_bytes() != kept[certs / "es02" / "es02.crt"]
    assert openssl("verify", "-CAfile", ca / "ca.crt", certs / "es02" / "es02.crt").endswith(": OK\n")
