"""Fetching over HTTPS: the certificate is checked, a failed handshake is one line."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.intake.fetch import fetch_article
from tests.pages import OPEN, TITLE, refused
from tests.servers import Server, resolve_to


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made now (needs the cryptography package)."""
    import datetime as dt
    import ipaddress

    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(name))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(server: Server, tmp_path: Path) -> Iterator[Server]:
    """The canned routes over TLS, with a certificate for 127.0.0.1 trusted by SSL_CERT_FILE."""
    cert, key = self_signed(tmp_path, "127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def relay(client: socket.socket) -> None:
        """Decrypt and pass the request on to the plain test server."""
        with client, socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
            try:
                secure = context.wrap_socket(client, server_side=True)
            except (ssl.SSLError, OSError):
                return
            with secure:
                secure.settimeout(5)
                request = secure.recv(65536)
                plain.sendall(request)
                while chunk := plain.recv(65536):
                    secure.sendall(chunk)

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=relay, args=(client,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SSL_CERT_FILE", str(cert))
        try:
            yield Server(listener.getsockname()[1], server.seen)
        finally:
            stop.set()
            thread.join(timeout=5)
            listener.close()


def test_an_https_page_is_fetched_with_its_certificate_checked(tls_server: Server) -> None:
    url = f"https://127.0.0.1:{tls_server.port}/article"
    article = fetch_article(url, OPEN)
    assert (article.title, article.url) == (TITLE, url)
    assert tls_server.seen == ["/article"]


def test_an_https_certificate_for_another_host_is_refused(
    tls_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolve_to(monkeypatch, "127.0.0.1")
    url = f"https://news.example:{tls_server.port}/article"
    refused(lambda: fetch_article(url, OPEN), "secure connection failed: Hostname mismatch")
    assert tls_server.seen == []


def test_a_failed_tls_handshake_is_one_line(server: Server) -> None:
    url = f"https://127.0.0.1:{server.port}/article"  # the test server speaks plain HTTP
    refused(lambda: fetch_article(url, OPEN), f"{url}: unreachable (secure connection failed: ")
