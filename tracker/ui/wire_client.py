"""A browser without a browser (issue 34, the peak's protocol driver): one user's tab speaking
Streamlit's own protocol to a running server, so the server does for it exactly what it does
for a browser's tab, and the client almost nothing (no layout, no drawing, no JavaScript).

What a tab does, as the frontend (streamlit/static, App.tsx and ConnectionManager) does it:

- a page load: the page's HTML; on a first visit the frontend's files (`assets`: the list a
  fresh chromium fetched, tracker/tools/peak_assets.json; cached afterwards, their names are
  hashed and served immutable); /_stcore/health (which sets the `_streamlit_xsrf` cookie) and
  /_stcore/host-config, under the page's path first and then at the root, and the favicon; then
  the websocket /_stcore/stream with the cookies of the site, the Origin of the site, and the
  subprotocols ["streamlit", <the XSRF cookie>];
- every run is a `rerun_script` BackMsg with the ClientState: the query string, the page (by
  name on a page load, by its script hash afterwards), the widgets' states (kept between runs
  as the frontend's widget manager keeps them; a button's trigger is sent once), the hashes of
  the large elements the tab holds (the server sends a reference instead) and the context
  (time zone, locale, address);
- a run has finished on `script_finished` FINISHED_SUCCESSFULLY (FINISHED_EARLY_FOR_RERUN is a
  `st.rerun()`: another run follows); the page is the elements of that run's deltas;
- a file upload: `file_urls_request` → `file_urls_response`, a multipart PUT of the file to the
  upload URL with the XSRF cookie and its X-Xsrftoken header, then the uploader's state
  (`uploaded_file_info`) in the next rerun;
- `auth_redirect` (st.login's message, which this app's sign-in uses, tracker/ui/shell.py) is a
  plain navigation: the tab leaves (its websocket closes), follows the address over HTTP,
  keeps the cookies it sets (303 redirects followed) and loads the page it lands on.

HTTP goes through http.client in a worker thread; the websocket is `websockets` (installed
with Streamlit's server), permessage-deflate offered as a browser does.
"""

from __future__ import annotations

import asyncio
import http.client
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

XSRF_COOKIE = "_streamlit_xsrf"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) tracker-peak-protocol"
TEXT_KINDS = ("markdown", "alert", "heading", "text", "caption", "exception", "code")
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # chromium's
CONNECTIONS = 6  # a browser's connections to one host


class WireError(RuntimeError):
    """What a user would see as a broken page: the server refused, or the page is not there."""


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Tab:
    """One browser tab on `base` ("http://127.0.0.1:8501"); its cookies are the browser's."""

    base: str
    timeout: float = 180.0
    cookies: dict[str, str] = field(default_factory=dict)
    ws: ClientConnection | None = None
    session_id: str = ""
    page_hash: str = ""  # the page the last run ran (new_session's, or st.navigation's)
    query: str = ""
    elements: dict[tuple[int, ...], Any] = field(default_factory=dict)  # the last run's page
    widgets: dict[str, WidgetState] = field(default_factory=dict)  # values kept between runs
    held: dict[str, ForwardMsg] = field(default_factory=dict)  # cacheable messages by hash
    assets: list[str] = field(default_factory=list)  # fetched on the first page load only
    redirect: str = ""  # an auth_redirect the last run sent
    runs: int = 0
    pending: list[ForwardMsg] = field(default_factory=list)

    # --- HTTP ------------------------------------------------------------------------------

    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        parts = urlsplit(urljoin(self.base + "/", url))
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        try:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            sent = {"User-Agent": USER_AGENT, "Accept-Language": "vi-VN", **headers}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, target, body=body, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, response.getheaders(), response.read())
        finally:
            conn.close()
        for name, value in reply.headers:
            if name.lower() == "set-cookie":
                self._keep_cookie(value)
        return reply

    def _keep_cookie(self, header: str) -> None:
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        gone = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if gone or not value.strip('"'):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    async def http(self, method: str, url: str, body: bytes | None = None, **headers: str) -> Reply:
        return await asyncio.to_thread(self._request, method, url, body, headers)

    def _fetch_all(self, paths: list[str]) -> None:
        """GET `paths` over one kept-alive connection, as one of a browser's connections."""
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
        try:
            for path in paths:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise WireError(f"GET {path}: HTTP {response.status}")
        finally:
            conn.close()

    async def fetch_assets(self) -> None:
        """The frontend's files on a first visit (`assets`), over the browser's six
        connections; cached afterwards (hashed names, served immutable)."""
        paths, self.assets = self.assets, []
        await asyncio.gather(
            *(asyncio.to_thread(self._fetch_all, paths[i::CONNECTIONS]) for i in range(CONNECTIONS))
        )

    async def navigate(self, url: str) -> str:
        """A navigation on this site: redirects followed (cookies kept); the path landed on."""
        await self.leave()
        for _ in range(10):
            reply = await self.http("GET", url, **{"Sec-Fetch-Site": "same-origin"})
            location = dict((k.lower(), v) for k, v in reply.headers).get("location")
            if reply.status in (301, 302, 303, 307, 308) and location:
                url = location
                continue
            if reply.status != 200:
                raise WireError(f"GET {url}: HTTP {reply.status}")
            return url
        raise WireError(f"GET {url}: too many redirects")

    # --- the page ---------------------------------------------------------------------------

    async def load(self, url: str) -> float:
        """Open `url` ("/nop_bao_cao?x=1") as a page load does; seconds until its first run
        has finished."""
        start = time.perf_counter()
        url = await self.navigate(url)
        parts = urlsplit(url)
        await self.fetch_assets()
        # The frontend looks for the server under the page's path first, then at the root.
        page = parts.path.rstrip("/")
        if page:
            await self.http("GET", f"{page}/_stcore/health")
            await self.http("GET", f"{page}/_stcore/host-config")
        await self.http("GET", "/favicon.png")
        await self.http("GET", "/_stcore/health")
        await self.http("GET", "/_stcore/host-config")
        xsrf = self.cookies.get(XSRF_COOKIE, "")
        origin = urlsplit(self.base)
        scheme = "wss" if origin.scheme == "https" else "ws"
        self.ws = await connect(
            f"{scheme}://{origin.netloc}/_stcore/stream",
            origin=f"{origin.scheme}://{origin.netloc}",  # type: ignore[arg-type]
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            user_agent_header=USER_AGENT,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,  # a browser sends no pings (a busy server must not drop it)
        )
        self.page_hash, self.query, self.widgets = "", parts.query, {}
        await self.run(page_name=parts.path.strip("/"))
        return time.perf_counter() - start

    async def leave(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def send(self, msg: BackMsg) -> None:
        if self.ws is None:
            raise WireError("not connected")
        await self.ws.send(msg.SerializeToString())

    def client_state(self, page_hash: str, page_name: str) -> ClientState:
        state = ClientState(query_string=self.query, page_script_hash=page_hash)
        state.page_name = page_name
        state.widget_states.widgets.extend(self.widgets.values())
        state.cached_message_hashes.extend(self.held)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Ho_Chi_Minh", -420, "vi-VN"
        info.url = f"{self.base}/{page_name}" + (f"?{self.query}" if self.query else "")
        info.is_embedded, info.color_scheme = False, "light"
        return state

    async def run(
        self, *, page_hash: str | None = None, page_name: str = "", trigger: str = ""
    ) -> float:
        """A rerun (a click, a widget changed, a page link): seconds from sending it to the
        run's script_finished, the server's work as the tab receives it (no drawing)."""
        state = self.client_state(self.page_hash if page_hash is None else page_hash, page_name)
        if trigger:
            state.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        start = time.perf_counter()
        self.redirect = ""
        await self.send(BackMsg(rerun_script=state))
        await self.finished()
        self.runs += 1
        return time.perf_counter() - start

    async def receive(self) -> ForwardMsg:
        if self.pending:
            return self.pending.pop(0)
        if self.ws is None:
            raise WireError("not connected")
        raw = await asyncio.wait_for(self.ws.recv(), self.timeout)
        msg = ForwardMsg()
        msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        if msg.HasField("ref_hash"):  # an element this tab holds: the server did not resend it
            held = self.held.get(msg.ref_hash)
            if held is None:
                raise WireError(f"reference to an element never received: {msg.ref_hash}")
            metadata = msg.metadata
            msg = ForwardMsg()
            msg.CopyFrom(held)
            msg.metadata.CopyFrom(metadata)
        elif msg.metadata.cacheable and msg.hash:
            self.held[msg.hash] = msg
        return msg

    async def finished(self) -> None:
        """Take messages until the run has finished (or sent the tab elsewhere)."""
        while True:
            msg = await self.receive()
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.elements = {}
                self.page_hash = msg.new_session.page_script_hash
                if msg.new_session.HasField("initialize"):
                    self.session_id = msg.new_session.initialize.session_id
            elif kind == "navigation":  # st.navigation: the page it chose is the tab's page
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":  # st.query_params changed: the address too
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self.elements[tuple(msg.metadata.delta_path)] = msg.delta.new_element
            elif kind == "page_not_found":
                raise WireError(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "auth_redirect":
                self.redirect = msg.auth_redirect.url
            elif kind == "script_finished" and msg.script_finished in FINISHED:
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise WireError("the page's script did not compile")
                return

    # --- what is on the page ----------------------------------------------------------------

    def each(self, kind: str) -> list[Any]:
        """The page's elements of one kind ("button", "text_input", …), in page order."""
        found = []
        for _, element in sorted(self.elements.items()):
            if element.WhichOneof("type") == kind:
                found.append(getattr(element, kind))
        return found

    def widget(self, kind: str, label: str) -> Any:
        for element in self.each(kind):
            if element.label == label:
                return element
        raise WireError(f"no {kind} '{label}' on the page: {self.labels()}")

    def has_key(self, kind: str, key: str) -> bool:
        """A widget made with `key=` (its id ends with the key) is on the page."""
        return any(e.id.endswith(f"-{key}") for e in self.each(kind))

    def labels(self) -> list[str]:
        return [
            getattr(e, e.WhichOneof("type")).label
            for _, e in sorted(self.elements.items())
            if hasattr(getattr(e, e.WhichOneof("type") or "", None), "label")
        ]

    def texts(self) -> list[str]:
        """The page's text: markdown, alerts, headings, captions, exceptions."""
        out = []
        for _, element in sorted(self.elements.items()):
            kind = element.WhichOneof("type")
            if kind in TEXT_KINDS:
                part = getattr(element, kind)
                out.append(getattr(part, "body", "") or getattr(part, "message", ""))
        return out

    def errors(self) -> list[str]:
        """Exceptions the page shows (a traceback a user would see)."""
        return [e.exception.message for e in self.elements.values() if e.HasField("exception")]

    # --- what a user does -------------------------------------------------------------------

    def fill(self, label: str, value: str) -> None:
        """Type into a text input (sent with the next run, as inside a form)."""
        field_ = self.widget("text_input", label)
        self.widgets[field_.id] = WidgetState(id=field_.id, string_value=value)

    async def click(self, label: str) -> float:
        """A button (or a form's submit button, which sends the form's values with it)."""
        return await self.run(trigger=self.widget("button", label).id)

    async def open_link(self, label: str) -> float:
        """A page link (the sidebar's): seconds from the click to the page's run finished."""
        for link in self.each("page_link"):
            if link.label == label:
                self.query = link.query_string
                self.widgets = {}  # the old page's widgets go with it
                return await self.run(page_hash=link.page_script_hash)
        raise WireError(f"no link '{label}' on the page")

    async def upload(self, label: str, name: str, data: bytes, mime: str) -> float:
        """Put a file into the uploader `label`, as a drop does; seconds until the run it
        starts has finished."""
        uploader = self.widget("file_uploader", label)
        request_id = uuid.uuid4().hex
        ask = BackMsg()
        ask.file_urls_request.request_id = request_id
        ask.file_urls_request.file_names.append(name)
        ask.file_urls_request.session_id = self.session_id
        start = time.perf_counter()
        await self.send(ask)
        urls, other = None, []
        while urls is None:
            msg = await self.receive()
            if msg.WhichOneof("type") != "file_urls_response":
                other.append(msg)  # handled by the next run's reading, in order
            elif msg.file_urls_response.response_id == request_id:
                urls = msg.file_urls_response.file_urls[0]
        self.pending = other + self.pending
        await self._put(urls, name, data, mime)
        info = UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id)
        info.file_urls.CopyFrom(urls)
        state = WidgetState(id=uploader.id)
        state.file_uploader_state_value.uploaded_file_info.append(info)
        self.widgets[uploader.id] = state
        await self.run()
        return time.perf_counter() - start

    async def _put(self, urls: FileURLs, name: str, data: bytes, mime: str) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{name}"\r\nContent-Type: {mime}\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        reply = await self.http(
            "PUT",
            urls.upload_url,
            body,
            **{
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": self.cookies.get(XSRF_COOKIE, ""),
                "Origin": self.base,
            },
        )
        if reply.status not in (200, 204):
            raise WireError(f"upload {name}: HTTP {reply.status} {reply.body[:200]!r}")

    async def sign_in(self, username: str, password: str) -> float:
        """The app's login form: fill, submit, follow its redirect to /auth/session (the
        cookie), land back on the page signed in; seconds from the click to that page's run."""
        self.fill("Tên đăng nhập", username)
        self.fill("Mật khẩu", password)
        start = time.perf_counter()
        await self.click("Đăng nhập")
        if not self.redirect:
            raise WireError(f"sign-in of {username} did not leave the form: {self.texts()[:5]}")
        await self.load(self.redirect)
        if not self.has_key("button", "logout_button"):
            raise WireError(f"{username} not signed in: {self.texts()[:5]}")
        return time.perf_counter() - start
