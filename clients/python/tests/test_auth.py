"""The bearer token: sent as "authorization: Bearer ...", roles enforced."""

import subprocess

import pytest

import tidings
import tidings.testing
from conftest import ARTICLES


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    tokens = tmp_path_factory.mktemp("auth") / "tokens"
    tokens.write_text("reader-token\tsubscribe\nwriter-token\tpublish\n")
    with tidings.testing.Server("--tokens", str(tokens)) as s:
        yield s


def test_no_or_unknown_token_is_unauthenticated(guarded):
    with tidings.Client(guarded.addr) as anonymous:
        with pytest.raises(tidings.Unauthenticated):
            anonymous.query()
    with tidings.Client(guarded.addr, token="nope") as stranger:
        with pytest.raises(tidings.Unauthenticated):
            stranger.query()


def test_roles(guarded):
    writer = tidings.Client(guarded.addr, token="writer-token")
    reader = tidings.Client(guarded.addr, token="reader-token")
    assert len(writer.ingest(ARTICLES[:2])) == 2
    assert len(reader.query()) == 2
    assert next(iter(reader.subscribe(from_seq=0))).seq == 1
    assert reader.series("2024-03-01", "2024-03-02")["article_count"].sum() \
        >= 0
    with pytest.raises(tidings.PermissionDenied) as e:
        reader.ingest(ARTICLES[2:3])
    assert e.value.message
    with pytest.raises(tidings.PermissionDenied):
        writer.query()
    # Open channels would hold the server's shutdown for its grace period.
    writer.close()
    reader.close()


def make_certificates(d):
    """A test CA, a server certificate for 127.0.0.1 and a client
    certificate, by the openssl CLI
    (Debian openssl, installed by scripts/install-deps.sh)."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes"]
    (d / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\n")
    (d / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for cmd in (
            ["req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "2", "-subj", "/CN=tidings-test-ca"],
            ["req", *key, "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
             "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
             "-extfile", "server.ext"],
            ["req", *key, "-keyout", "client.key", "-out", "client.csr",
             "-subj", "/CN=tidings-test-client"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey",
             "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2",
             "-extfile", "client.ext"]):
        subprocess.run(["openssl", *cmd], cwd=d, check=True,
                       capture_output=True, timeout=30)


def test_tls_with_a_ca_file_and_a_token(tmp_path):
    make_certificates(tmp_path)
    tokens = tmp_path / "tokens"
    tokens.write_text("t\tpublish,subscribe\n")
    with tidings.testing.Server(
            "--tls-cert", str(tmp_path / "server.pem"), "--tls-key",
            str(tmp_path / "server.key"), "--tokens", str(tokens)) as s:
        client = tidings.Client(s.addr, token="t",
                                tls=str(tmp_path / "ca.pem"))
        client.ingest(ARTICLES[:1])
        assert list(client.query()["article_id"]) == ["gold-1"]
        client.close()
        # A plaintext client gets no answer.
        with tidings.Client(s.addr, token="t", timeout=2) as plain:
            with pytest.raises((tidings.Unavailable,
                                tidings.DeadlineExceeded)):
                plain.ingest(ARTICLES[:1])


def test_mutual_tls_needs_the_client_certificate(tmp_path):
    make_certificates(tmp_path)
    with tidings.testing.Server(
            "--tls-cert", str(tmp_path / "server.pem"), "--tls-key",
            str(tmp_path / "server.key"), "--tls-client-ca",
            str(tmp_path / "ca.pem")) as s:
        with tidings.Client(s.addr, tls=str(tmp_path / "ca.pem"),
                            tls_cert=str(tmp_path / "client.pem"),
                            tls_key=str(tmp_path / "client.key")) as client:
            client.ingest(ARTICLES[:1])
            assert list(client.query()["article_id"]) == ["gold-1"]
        # Without one the handshake fails.
        with tidings.Client(s.addr, tls=str(tmp_path / "ca.pem"),
                            timeout=2) as anonymous:
            with pytest.raises((tidings.Unavailable,
                                tidings.DeadlineExceeded)):
                anonymous.query()
    with pytest.raises(ValueError, match="both tls_cert and tls_key"):
        tidings.Client("127.0.0.1:1", tls_cert=str(tmp_path / "client.pem"))
    with pytest.raises(ValueError, match="tls_key: cannot read"):
        tidings.Client("127.0.0.1:1", tls_cert=str(tmp_path / "client.pem"),
                       tls_key=str(tmp_path / "missing.key"))
