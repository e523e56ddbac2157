"""The shell across the city (issue 34): sign-in anywhere (the login form and the cookie name the
account's own store), a body user's scope always their own body whatever ?co_quan= says, Sở Nội
vụ's roles on the registry's pages (Thành phố, Xếp hạng) and on a chosen body's read-only
pages, and nothing a city role may not do offered on a body's page. On the city sample of
tests/city_fixture.py (VPUB, SNV and two xã X001, X002 whose unit and task codes clash)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_page, texts
from tests.city_fixture import CITY_NOW
from tests.conftest import PASSWORD
from tests.test_cookie_sessions import BROWSER, XSRF, _request, _set_cookie
from tracker import settings
from tracker.accounts import auth, sessions, signin
from tracker.city import bodies, registry
from tracker.roles import CITY_SYSTEM, User
from tracker.store import db
from tracker.tools import demo
from tracker.ui import session_routes, shell

pytestmark = pytest.mark.now(CITY_NOW)

BODY_USERS = ("x001.quantri", "x001.lanhdao", "x001.donvi", "quantri")
CITY_USERS = ("sonoivu", "sonoivu.lanhdao", "thanhpho.quantri")


def account(username: str) -> User:
    """The signed-in User of a sample account, read (not signed in: the sample stays as built)."""
    store = signin.directory.store_of(username)
    role, unit, active, epoch = db.query_rows("account_session", store.path, username=username)[0]
    assert active
    return User(username, role, unit, None, epoch)


def everything(at: AppTest) -> str:
    """Every text of the run, the sidebar's and the tables' cells included."""
    parts = [texts(at)]
    parts += [str(e.value) for e in at.sidebar.get("caption")]
    parts += [str(e.value) for e in at.get("selectbox")]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    parts += [str(link.proto) for link in at.get("page_link")]
    return "\n".join(parts)


def table_with(at: AppTest, column: str):
    """The first table of the run with a column `column`."""
    found = [f.value for f in at.dataframe if column in f.value.columns]
    assert found, column
    return found[0]


def _name(code: str) -> str:
    found = bodies.find(code, registry.path())
    assert found is not None
    return found.name


# --- Sở Nội vụ's pages x every role -----------------------------------------------------------


@pytest.mark.parametrize("page_key", ["thanh_pho", "xep_hang"])
@pytest.mark.parametrize("username", BODY_USERS + CITY_USERS)
def test_city_pages_for_every_role(city: Path, page_key: str, username: str) -> None:
    user = account(username)
    at = open_page(user, page_key)
    assert not at.exception, at.exception
    refused = any("không dành cho vai trò" in e.value for e in at.error)
    assert refused is not user.is_city
    shown = everything(at)
    if not user.is_city:
        assert _name("X002") not in shown and "Xếp hạng các cơ quan" not in shown
        return
    assert at.title[0].value.startswith(shell.PAGES[page_key].title)
    if page_key == "thanh_pho":
        table = table_with(at, "Báo cáo tuần này")
        assert {"SNV", "X001", "X002", "VPUB"} <= set(table["Mã"])
        assert "/?co_quan=X001" in " ".join(table["Cơ quan"])
        assert not table_with(at, "Số cơ quan thực hiện").empty
        # Sở Nội vụ's officers and leaders make the city's Báo cáo here; the administrator not
        made_here = "Báo cáo gửi UBND thành phố" in [h.value for h in at.subheader]
        assert made_here is (username in ("sonoivu", "sonoivu.lanhdao"))
    else:
        assert any(b.kind_label in shown for b in bodies.all_bodies(registry.path()))
        forms = [n for n in at.number_input if (n.key or "").startswith("rv_s_")]
        assert bool(forms) is (username in ("sonoivu", "sonoivu.lanhdao"))
        approve = [b for b in at.button if b.key and b.key.startswith("approve_")]
        assert bool(approve) is (username == "sonoivu.lanhdao")


@pytest.mark.parametrize("username", ["sonoivu", "sonoivu.lanhdao"])
def test_thanh_pho_names_the_task_of_every_escalated_difficulty(city: Path, username: str) -> None:
    """Each escalated difficulty with its body's task (code and name) and the city item it
    carries out, as the body's file has them."""
    at = open_page(account(username), "thanh_pho")
    table = table_with(at, "Đề nghị")
    assert len(table)
    for row in table.to_dict("records"):
        code = row["Cơ quan"].split("co_quan=")[1].split("&")[0]
        found = db.rows(
            "select short_title, city_item from task where plan_year = 2026 and code = $c",
            {"c": row["Mã nhiệm vụ"]},
            path=settings.body_db_path(code),
        )
        assert found, row
        title, item = found[0]
        assert row["Nhiệm vụ"] == title
        assert row["Mục KH thành phố"].startswith(f"{item}. ")


# --- a body user stays in their body ----------------------------------------------------------

BODY_PAGES = ("tong_quan", "ke_hoach", "nhiem_vu", "don_vi", "vuong_mac", "xuat_du_lieu")


@pytest.mark.parametrize("page_key", BODY_PAGES)
@pytest.mark.parametrize(("username", "other"), [("x001.quantri", "X002"), ("quantri", "X001")])
def test_a_body_user_sees_only_their_body_whatever_co_quan_says(
    city: Path, page_key: str, username: str, other: str
) -> None:
    user = account(username)
    asked = open_page(user, page_key, {shell.BODY_PARAM: other})
    plain = open_page(user, page_key)
    assert not asked.exception and not plain.exception, asked.exception or plain.exception
    shown = everything(asked)
    assert _name(other) not in shown and f"co_quan={other}" not in shown
    assert [f.value.to_csv() for f in asked.dataframe] == [
        f.value.to_csv() for f in plain.dataframe
    ]
    own = _name("X001") if username.startswith("x001") else shell.HOME_NAME
    assert own in [c.value for c in asked.sidebar.get("caption")]
    if username.startswith("x001"):  # nor the home body's (the Office's) name
        assert shell.HOME_NAME not in shown and "Văn phòng UBND thành phố" not in shown
    assert not any(s.label == "Cơ quan" for s in asked.sidebar.get("selectbox"))


# --- Sở Nội vụ on a body's pages --------------------------------------------------------------


def tables(at: AppTest) -> list[str]:
    assert not at.exception, at.exception
    return [f.value.to_csv() for f in at.dataframe]


@pytest.mark.parametrize("page_key", ["tong_quan", "nhiem_vu", "don_vi", "vuong_mac"])
def test_sonoivu_opens_a_bodys_read_pages_as_its_own_accounts_see_them(
    city: Path, page_key: str
) -> None:
    officer = account("sonoivu")
    in_x001 = open_page(officer, page_key, {shell.BODY_PARAM: "X001"})
    assert tables(in_x001) == tables(open_page(account("x001.lanhdao"), page_key))
    if page_key == "vuong_mac":  # the difficulties X001 sent up, read-only (no form to send)
        headers = [h.value for h in in_x001.subheader]
        assert "Vướng mắc cơ quan đã chuyển Sở Nội vụ" in headers
        assert "Chuyển Sở Nội vụ" not in headers
    if page_key != "vuong_mac":  # X002's figures differ from X001's
        assert tables(in_x001) != tables(open_page(officer, page_key, {shell.BODY_PARAM: "X002"}))
    selector = [s for s in in_x001.sidebar.get("selectbox") if s.label == "Cơ quan"]
    assert selector and selector[0].value == "X001"
    links = [str(link.proto) for link in in_x001.get("page_link")]
    assert any("Nhiệm vụ" in p and "co_quan=X001" in p for p in links)
    assert any("Thành phố" in p for p in links)
    if page_key == "tong_quan":
        assert _name("X001") in texts(in_x001)


def _sidebar_links(at: AppTest) -> dict[str, dict[str, str]]:
    """The sidebar's links: label -> the query they carry."""
    return {
        link.proto.label: dict(parse_qsl(link.proto.query_string))
        for link in at.sidebar.get("page_link")
    }


@pytest.mark.parametrize("page_key", ["tong_quan", "tai_khoan", "thanh_pho"])
def test_every_sidebar_link_keeps_the_body_chosen(city: Path, page_key: str) -> None:
    """Tài khoản's link included: coming back from it finds the body chosen, not the city's."""
    officer = account("sonoivu")
    at = open_page(officer, page_key, {shell.BODY_PARAM: "X001"})
    assert not at.exception, at.exception
    links = _sidebar_links(at)
    assert {"Tài khoản", "Thành phố", "Xếp hạng", "Tổng quan", "Nhiệm vụ"} <= set(links)
    assert all(q.get(shell.BODY_PARAM) == "X001" for q in links.values()), links
    # Follow the Tài khoản link, then back to a body's page by the link found there
    there = open_page(officer, "tai_khoan", links["Tài khoản"])
    assert not there.exception, there.exception
    selector = [s for s in there.sidebar.get("selectbox") if s.label == "Cơ quan"]
    assert selector and selector[0].value == "X001"
    back = _sidebar_links(there)["Tổng quan"]
    assert back.get(shell.BODY_PARAM) == "X001"
    again = open_page(officer, "tong_quan", back)
    assert _name("X001") in texts(again)
    # With no body chosen, the links carry none
    plain = _sidebar_links(open_page(officer, "tai_khoan"))
    assert not any(shell.BODY_PARAM in q for q in plain.values()), plain


def test_a_bodys_own_links_keep_the_body_chosen(city: Path) -> None:
    at = open_page(account("sonoivu"), "tong_quan", {shell.BODY_PARAM: "VPUB"})
    assert not at.exception, at.exception
    links = [str(link.proto) for link in at.main.get("page_link")]
    assert any("Mở trang Vướng mắc" in p for p in links)  # the Office has open ones
    assert all("co_quan=VPUB" in p for p in links), links


@pytest.mark.parametrize("username", ["sonoivu", "sonoivu.lanhdao"])
def test_no_write_is_offered_to_a_city_role_on_a_bodys_pages(city: Path, username: str) -> None:
    user = account(username)
    for page_key, page in shell.PAGES.items():
        if page.city:
            continue
        at = open_page(user, page_key, {shell.BODY_PARAM: "X001"})
        assert not at.exception, (page_key, at.exception)
        refused = any("không dành cho vai trò" in e.value for e in at.error)
        assert refused is (user.role not in page.roles), page_key
        assert refused is (page_key in ("nop_bao_cao", "don_doc", "quan_tri")), page_key
        assert not at.get("file_uploader") and not at.get("text_area"), page_key
        writes = [
            b.label for b in at.button if b.key != "logout_button" and b.key != "current_week"
        ]
        assert writes == [], (page_key, writes)


def test_the_city_administrator_reads_no_bodys_data(city: Path) -> None:
    admin = account("thanhpho.quantri")
    at = open_page(admin, "nhiem_vu", {shell.BODY_PARAM: "X001"})
    assert not at.exception
    assert any("không dành cho vai trò" in e.value for e in at.error)
    assert not at.dataframe
    assert not any(s.label == "Cơ quan" for s in at.sidebar.get("selectbox"))


@pytest.mark.parametrize(
    ("asked", "said"),
    [("NOPE", "không có trong danh mục"), ("x001", "không hợp lệ"), ("../X001", "không hợp lệ")],
)
def test_an_unknown_body_is_refused_in_vietnamese(city: Path, asked: str, said: str) -> None:
    at = open_page(account("sonoivu"), "tong_quan", {shell.BODY_PARAM: asked})
    assert not at.exception, at.exception
    assert any(said in e.value for e in at.error)
    assert not at.dataframe


def test_an_inactive_body_is_refused(city_rw: Path) -> None:
    snv = bodies.find("X002", registry.path())
    bodies.save_body(
        account("thanhpho.quantri"),
        registry.path(),
        code="X002",
        name=snv.name,
        kind=snv.kind,
        active=False,
    )
    at = open_page(account("sonoivu"), "nhiem_vu", {shell.BODY_PARAM: "X002"})
    assert not at.exception, at.exception
    assert any("ngừng theo dõi" in e.value for e in at.error)
    assert not at.dataframe


def test_a_body_page_without_a_body_points_to_the_city(city: Path) -> None:
    at = open_page(account("sonoivu"), "tong_quan")
    assert not at.exception, at.exception
    assert "hãy chọn cơ quan" in texts(at)
    assert not at.dataframe
    assert any("Thành phố" in str(link.proto) for link in at.main.get("page_link"))


# --- signing in anywhere ----------------------------------------------------------------------


def _log_in(username: str, page_key: str = "tong_quan") -> AppTest:
    at = open_page(None, page_key)
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(demo.DEMO_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_a_user_of_another_body_signs_in_to_their_own_body(city_rw: Path) -> None:
    at = _log_in("x002.lanhdao", "nhiem_vu")
    assert at.session_state[shell.SESSION_USER].username == "x002.lanhdao"
    assert Path(at.session_state[shell.SESSION_ACCOUNTS]) == settings.body_db_path("X002")
    assert _name("X002") in [c.value for c in at.sidebar.get("caption")]
    assert tables(at) == tables(open_page(account("x002.lanhdao"), "nhiem_vu"))
    assert _name("X001") not in everything(at)


def test_sonoivu_signs_in_to_the_city(city_rw: Path) -> None:
    at = _log_in("sonoivu", "thanh_pho")
    assert at.session_state[shell.SESSION_USER].role == "so_noi_vu"
    assert Path(at.session_state[shell.SESSION_ACCOUNTS]) == registry.path()
    assert at.title[0].value.startswith("Thành phố")
    assert {"X001", "X002"} <= set(table_with(at, "Báo cáo tuần này")["Mã"])


def test_a_wrong_password_of_a_city_account_is_refused(city_rw: Path) -> None:
    at = open_page(None)
    at.text_input(key="login_username").input("sonoivu")
    at.text_input(key="login_password").input("sai-mat-khau")
    at.button[0].click().run()
    assert "không đúng" in texts(at) and shell.SESSION_USER not in at.session_state


# --- the cookie names the store ---------------------------------------------------------------


def _start(code: str, cookies: dict | None = None) -> str:
    """/auth/session with `code` in this browser; the cookie it sets."""
    request = _request(
        "/auth/session", f"code={code}", {"_streamlit_xsrf": XSRF, **(cookies or {})}
    )
    return _set_cookie(session_routes.start_session(request))[sessions.COOKIE].value


@pytest.mark.parametrize(("username", "prefix"), [("x001.donvi", "X001~"), ("sonoivu", "city~")])
def test_the_cookie_of_another_store_signs_in_there(
    city_rw: Path, monkeypatch: pytest.MonkeyPatch, username: str, prefix: str
) -> None:
    user = account(username)
    store = signin.directory.store_of(username)
    code = signin.cookie_value(store, sessions.issue_code(user, BROWSER, path=store.path))
    value = _start(code)
    assert value.startswith(prefix)
    named, token = signin.cookie_store(value)
    assert named == store and sessions.resume(token, store.path).user.username == username
    assert sessions.resume(token, settings.db_path()) is None  # not the home body's session
    # A new tab reads the cookie: the session resumes in its store.
    monkeypatch.setattr(shell, "cookie", lambda name: value if name == sessions.COOKIE else None)
    at = open_page(None, "tai_khoan")
    assert not at.exception, at.exception
    assert at.session_state[shell.SESSION_USER].username == username
    assert Path(at.session_state[shell.SESSION_ACCOUNTS]) == store.path.resolve()
    # Signing out ends it in that store.
    signout = _request("/auth/signout", "next=%2F", {sessions.COOKIE: value})
    session_routes.end_session(signout)
    assert sessions.resume(token, store.path) is None


def test_a_home_cookie_stays_bare_and_a_sign_in_elsewhere_ends_it(city_rw: Path) -> None:
    home_user = account("quantri")
    home_value = _start(sessions.issue_code(home_user, BROWSER, path=settings.db_path()))
    assert "~" not in home_value and sessions.resume(home_value).user.username == "quantri"
    other = account("x001.quantri")
    path = settings.body_db_path("X001")
    code = signin.cookie_value(
        signin.directory.store_of("x001.quantri"), sessions.issue_code(other, BROWSER, path=path)
    )
    value = _start(code, {sessions.COOKIE: home_value})
    assert value.startswith("X001~")
    assert sessions.resume(home_value) is None  # one sign-in per browser


def test_a_code_naming_no_store_sets_no_cookie(city_rw: Path) -> None:
    request = _request("/auth/session", "code=NOWHERE~abc", {"_streamlit_xsrf": XSRF})
    response = session_routes.start_session(request)
    assert response.status_code == 303 and sessions.COOKIE not in _set_cookie(response)


# --- Sở Nội vụ's actions on Xếp hạng ----------------------------------------------------------


def _tab_of(kind: str) -> str:
    return bodies.KINDS[kind]


def test_sonoivu_records_a_review_and_the_leader_approves_the_ranking(city_rw: Path) -> None:
    kind = bodies.find("X001", registry.path()).kind
    at = open_page(account("sonoivu"), "xep_hang")
    at.selectbox(key=f"rv_b_{kind}").set_value("X001")
    at.number_input(key=f"rv_s_{kind}").set_value(87.5)
    at.text_area(key=f"rv_c_{kind}").input("Hồ sơ minh chứng đầy đủ.")
    at.button(key=f"FormSubmitter:review_{kind}-Ghi điểm thẩm định").click().run()
    assert not at.exception, at.exception
    assert any("Đã ghi điểm thẩm định" in s.value for s in at.success)
    ranked = [f.value for f in at.dataframe if "Thẩm định" in f.value.columns]
    row = pd.concat(ranked).set_index("Mã").loc["X001"]
    assert row["Thẩm định"] == 87.5 and row["Nhận xét thẩm định"] == "Hồ sơ minh chứng đầy đủ."
    assert not [b for b in at.button if (b.key or "").startswith("approve_")]  # not an officer's
    leader = open_page(account("sonoivu.lanhdao"), "xep_hang")
    leader.button(key=f"approve_{kind}").click().run()
    assert not leader.exception, leader.exception
    assert any(
        f"Xếp hạng {_tab_of(kind)}" in s.value and "sonoivu.lanhdao" in s.value
        for s in leader.success
    )


def test_a_review_without_a_comment_is_refused(city_rw: Path) -> None:
    kind = bodies.find("X001", registry.path()).kind
    at = open_page(account("sonoivu"), "xep_hang")
    at.selectbox(key=f"rv_b_{kind}").set_value("X001")
    at.number_input(key=f"rv_s_{kind}").set_value(50.0)
    at.button(key=f"FormSubmitter:review_{kind}-Ghi điểm thẩm định").click().run()
    assert not at.exception, at.exception
    assert any("nhận xét" in e.value for e in at.error)


# --- empty states -----------------------------------------------------------------------------


@pytest.fixture
def new_city(tmp_db: Path) -> User:
    """A city just made over a fresh home body (no week reported yet), with a Sở Nội vụ account."""
    reg = registry.open_registry()
    return auth.create_user("snv.canbo", "so_noi_vu", PASSWORD, by=CITY_SYSTEM, path=reg)


@pytest.mark.parametrize("page_key", ["thanh_pho", "xep_hang"])
def test_a_city_with_no_body_reporting_yet_says_so(new_city: User, page_key: str) -> None:
    at = open_page(new_city, page_key)
    assert not at.exception, at.exception
    said = [i.value for i in at.info]
    assert said and not at.dataframe
    assert any(s.startswith("Năm ") and s.endswith(".") and s.count(".") == 1 for s in said), said


def test_an_unknown_body_leaves_the_city_pages_working(city: Path) -> None:
    at = open_page(account("sonoivu"), "thanh_pho", {shell.BODY_PARAM: "NOPE"})
    assert not at.exception, at.exception
    assert any("không có trong danh mục" in e.value for e in at.error)
    assert {"X001", "X002"} <= set(table_with(at, "Báo cáo tuần này")["Mã"])
    links = " ".join(str(link.proto) for link in at.get("page_link"))
    assert "NOPE" not in links


@pytest.mark.parametrize("username", ["x001.quantri", "x001.lanhdao", "x001.donvi"])
def test_no_page_of_a_body_user_names_another_body(city: Path, username: str) -> None:
    """Every page a xã's account may open, given X002 in the URL, opens without an error and
    names neither X002 nor the home body."""
    user = account(username)
    for page_key, page in shell.PAGES.items():
        if user.role not in page.roles:
            continue
        at = open_page(user, page_key, {shell.BODY_PARAM: "X002"})
        assert not at.exception or page_key == "tu_cham_diem", (page_key, at.exception)
        shown = everything(at)
        for other in (_name("X002"), "X002", "VPUB", "Văn phòng UBND thành phố"):
            assert other not in shown, (page_key, other)
