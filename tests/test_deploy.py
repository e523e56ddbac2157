"""The shipped deployment, tested as shipped (issues 27 and 32): Debian's nginx with deploy/'s
site in front of a server started as deploy/'s systemd unit starts it, over HTTPS with a
certificate made here, driven by Debian's chromium. Only ports, listening address, certificate
paths and the upstream port differ from the shipped files (each change must find its line, or
the test fails). Here: guessing bounded, every cookie Secure, uploads answered, metrics denied,
downloads not cached; tests/test_deploy_safe.py: the issue-32 guards, each with its reverted
variant."""

from __future__ import annotations

import base64
import configparser
import hashlib
import http.client
import io
import os
import shlex
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

from tests import browser_support as bs
from tests.conftest import ROOT, pinned
from tests.test_login_guessing_browser import (
    assert_no_spoofed_address,
    guessing_from_spoofed_addresses,
    login_audit,
)
from tracker import settings
from tracker.accounts import devices, sessions
from tracker.catalogue import periods
from tracker.ingest import template
from tracker.tools.bench_browser import free_port

DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx-dvcq-tracker.conf"
UNIT = DEPLOY / "dvcq-tracker.service"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Any date will do (nothing here depends on it): a fixed one, so CI need not rerun these at
# its other dates (tests/clock_selection.py).
AT = "2026-03-09T08:00:00"

pytestmark = [
    *bs.MARKS,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="needs Debian's nginx (.ci/run)"),
    pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl (.ci/run)"),
]


# --- the shipped files ---------------------------------------------------------------------------


def unit_service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keep the keys' case
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser["Service"]


def unit_environment() -> dict[str, str]:
    """The unit's Environment= lines (configparser keeps the last of repeated keys: read raw)."""
    found = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line.startswith("Environment="):
            name, _, value = line.removeprefix("Environment=").partition("=")
            found[name] = value
    return found


def unit_server_options() -> list[str]:
    """The `streamlit run app.py` options of the unit's ExecStart."""
    words = shlex.split(unit_service()["ExecStart"])
    assert words[1:3] == ["run", "app.py"], words
    return words[3:]


def test_the_unit_runs_an_owner_only_server_on_loopback_that_restarts() -> None:
    service = unit_service()
    assert service["User"] not in {"root", ""} and service["Restart"] == "on-failure"
    assert service["UMask"] == "0077" and service["StateDirectoryMode"] == "0700"
    env = unit_environment()
    assert env["TRACKER_TRUSTED_PROXIES"] == "127.0.0.1"  # nginx on this machine, nobody else
    assert Path(env["TRACKER_DB"]).parent == Path("/var/lib") / service["StateDirectory"]
    assert service["ExecStart"].startswith(service["WorkingDirectory"] + "/.venv/bin/streamlit ")
    assert unit_server_options() == ["--server.address", "127.0.0.1", "--server.port", "8501"]


def test_upload_limits_line_up_app_streamlit_nginx() -> None:
    """app limit < Streamlit's uploader limit < nginx's body limit: a file just over the app's
    limit reaches the app, which answers in Vietnamese (checked through nginx below)."""
    streamlit_mb = int(
        next(
            line.split("=")[1]
            for line in (ROOT / ".streamlit" / "config.toml").read_text().splitlines()
            if line.startswith("maxUploadSize")
        )
    )
    nginx_mb = int(
        next(
            line.split()[1].rstrip("m;")
            for line in SITE.read_text().splitlines()
            if line.strip().startswith("client_max_body_size")
        )
    )
    app_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    assert app_mb < streamlit_mb < nginx_mb


# --- nginx and the server, as deployed -----------------------------------------------------------


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the shipped site no longer has exactly one {old!r}"
    return text.replace(old, new)


def _site_for_test(
    https: int, http: int, upstream: int, cert: Path, key: Path, host: str = "127.0.0.1"
) -> str:
    site = SITE.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{upstream};"),
        ("listen 443 ssl;", f"listen {host}:{https} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("listen 80;", f"listen {host}:{http};"),
        ("listen [::]:80;", ""),
        ("/etc/ssl/certs/dvcq-tracker.pem", str(cert)),
        ("/etc/ssl/private/dvcq-tracker.key", str(key)),
    ):
        site = _replace_once(site, old, new)
    return site


def _certificate(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    cert, key = folder / "test.pem", folder / "test.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _spki(cert: Path) -> str:
    """The certificate's public-key pin, for chromium to trust the test's own certificate as
    valid. A certificate error merely ignored is not the same: chromium then keeps no
    connection for reuse and, on a busy machine, gives up on a stylesheet (ERR_TOO_MANY_RETRIES)."""
    key = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-pubkey"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=key,
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@contextmanager
def nginx(
    folder: Path, upstream: int, cert: Path, key: Path, host: str = "127.0.0.1"
) -> Iterator[tuple[str, str]]:
    """Debian's nginx with the shipped site, on free ports of `host` (IPv4; default loopback);
    yields (https, http) URLs."""
    folder.mkdir()
    https, http = free_port(), free_port()
    (folder / "site.conf").write_text(_site_for_test(https, http, upstream, cert, key, host))
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp folders
    (folder / "nginx.conf").write_text(
        f"{user}pid {folder}/nginx.pid;\nevents {{}}\nhttp {{\n"
        f"    access_log {folder}/access.log;\n"
        f"    client_body_temp_path {temp['body']};\n    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n    include {folder}/site.conf;\n}}\n"
    )
    command = [NGINX, "-e", "stderr", "-p", str(folder), "-c", str(folder / "nginx.conf")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    with (folder / "nginx.log").open("wb") as log:
        proc = subprocess.Popen([*command, "-g", "daemon off;"], stdout=log, stderr=log)
    try:
        _wait_listening(f"https://{host}:{https}/", proc)
        yield f"https://{host}:{https}", f"http://{host}:{http}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def _get(url: str) -> tuple[int, dict[str, str]]:
    status, headers, _ = get_page(url)
    return status, dict(headers)


def get_page(url: str) -> tuple[int, Message, str]:
    """(status, headers, body) of a GET, redirects not followed, the test's certificate taken."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_INSECURE), _NoRedirect()
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode(errors="replace")


def websocket_status(url: str) -> int:
    """The status a websocket handshake to Streamlit's stream at `url` gets: 101 when the
    server takes it."""
    parts = urllib.parse.urlsplit(url)
    connection = (
        http.client.HTTPSConnection(parts.hostname, parts.port, context=_INSECURE, timeout=10)
        if parts.scheme == "https"
        else http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    )
    connection.request(
        "GET",
        "/_stcore/stream",
        headers={
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            "Sec-WebSocket-Version": "13",
        },
    )
    try:
        return connection.getresponse().status
    finally:
        connection.close()


def _wait_listening(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "nginx exited"
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("nginx did not listen")


def unit_env(**changes: str) -> dict[str, str]:
    """The unit's environment for a server on a test's database, with `changes`."""
    env = {k: v for k, v in unit_environment().items() if k not in {"TRACKER_DB", "HOME"}}
    return {**env, **changes}


@contextmanager
def deployed(
    path: Path, cert: Path, key: Path, *, env: dict[str, str] | None = None, root: Path = ROOT
) -> Iterator[str]:
    """The server as the unit starts it (its environment and options, or `env`; the database
    at `path`; the sources at `root`), behind nginx with the certificate `cert`; yields the
    HTTPS address."""
    tmp_path = path.parent
    upstream = free_port()
    options = unit_server_options()
    with (
        # The one change: grids offer "Download as CSV", the only way a test reads their cells.
        bs.running_server(
            path,
            *options[:2],
            *("--client.disableDataExport", "false"),
            env=unit_env() if env is None else env,
            port=upstream,
            root=root,
        ) as direct,
        nginx(tmp_path / "nginx", upstream, cert, key) as (https, http),
    ):
        assert direct == f"http://127.0.0.1:{upstream}"
        status, headers = _get(http + "/nhiem_vu")
        assert status == 301 and headers["Location"] == "https://127.0.0.1/nhiem_vu"
        status, headers = _get(https + "/")
        assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age=")
        assert_metrics_not_public(direct, https)
        yield https


def assert_metrics_not_public(direct: str, https: str) -> None:
    """Streamlit answers /_stcore/metrics (sessions, cache names, upload sizes) to anyone who
    reaches it; through the shipped site, however the path is written, it is denied."""
    assert _get(direct + "/_stcore/metrics")[0] == 200
    for path in (
        "/_stcore/metrics",
        "//_stcore/metrics",
        "/_stcore/metrics?format=protobuf",
        "/_stcore/%6Detrics",
        "/nhiem_vu/../_stcore/metrics",
    ):
        assert _get(https + path)[0] == 403, path


def _padded(workbook: bytes, size: int) -> bytes:
    """`workbook` with a stored part no reader looks at, so that the file is exactly `size`."""

    def build(pad: int) -> bytes:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(workbook)) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("customXml/dem.bin", os.urandom(pad), compress_type=zipfile.ZIP_STORED)
        return out.getvalue()

    first = build(size - len(workbook))
    made = build(size - len(workbook) - (len(first) - size))
    assert len(made) == size
    return made


def _upload(page: Any, name: str, data: bytes) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    expect(page.get_by_text(name).first).to_be_visible()
    bs.idle(page)


def test_through_nginx_guessing_is_bounded_cookies_secure_uploads_answered(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    path = tmp_path / "tracker.duckdb"
    with pinned(AT):
        bs.create_accounts(path)
        workbook = template.build("HCTC", periods.week_id(settings.now().date()), path=path)
    cert, key = _certificate(tmp_path / "tls")
    trusted = f"--ignore-certificate-errors-spki-list={_spki(cert)}"
    with pinned(AT), bs.chromium(trusted) as browser, deployed(path, cert, key) as url:
        stranger, owner = guessing_from_spoofed_addresses(browser, url)
        assert (stranger, owner) == (False, True)

        context, page, watch = bs.new_page(browser, url)
        page.goto(url + "/nop_bao_cao")
        bs.login(page, "hctc")
        cookies = {c["name"]: c for c in context.cookies()}
        for name in (sessions.COOKIE, devices.cookie_name("hctc")):
            assert cookies[name]["secure"] and cookies[name]["httpOnly"], name
        # Every cookie is Secure, Streamlit's own too (nginx's proxy_cookie_flags).
        assert XSRF_COOKIE_NAME in cookies
        assert [name for name, c in cookies.items() if not c["secure"]] == []
        bs.heading(page, "Nộp báo cáo")
        limit = settings.MAX_UPLOAD_BYTES
        # The picker has the app's own limit, 10 MB (issue 36). It counts a megabyte as the
        # browser's system does: 1,048,576 bytes on Windows, as the app, 1,000,000 elsewhere
        # (this chromium): 10,000,000 bytes is within the limit on every system.
        within = min(limit, limit // (1024 * 1024) * 1_000_000)
        _upload(page, "dung-gioi-han.xlsx", _padded(workbook, within))
        expect(page.get_by_role("button", name="3. Xác nhận nộp 1 tệp hợp lệ")).to_be_visible()
        # A larger file is refused in the browser, under the page's Vietnamese caption, and never
        # sent (the app's own refusal of one, from the command line: tests/test_filesafety.py).
        _upload(page, "qua-gioi-han.xlsx", _padded(workbook, limit + 1))
        expect(page.get_by_text("File must be 10.0MB or smaller.")).to_be_visible()
        expect(page.get_by_text("mỗi tệp tối đa 10 MB", exact=False)).to_be_visible()
        # A download (/media/…) is never kept by a cache.
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải biểu mẫu đã điền sẵn (.xlsx)").click()
        assert "/media/" in download.value.url
        status, headers, _ = get_page(download.value.url)
        assert status == 200 and headers.get_all("Cache-Control") == ["no-store"]
        watch.assert_clean()
        context.close()
    audit = login_audit(path)
    assert_no_spoofed_address(audit)
