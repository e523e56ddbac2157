"""Quản trị thành phố (the city administrator, issue 34): the body catalogue (one body by a form,
or the whole catalogue as a CSV), the city plan's items of the year (CSV in and out), the city's
criteria set of the year (.xlsx, copied into every body), the settings of Sở Nội vụ's Báo cáo to
UBND thành phố and the city's accounts (tracker/ui/city_accounts.py). Every write calls the domain function the command line
calls (tracker/city, tracker/accounts), which checks the role again and audits it; its outcome is
shown after the rerun (flash), its problems as a table, never a traceback.

The write handlers (save_body, start_body, load_bodies, load_items, load_criteria, set_setting;
the accounts' in city_accounts) return an Outcome (tracker/ui/write_outcome.py) and draw nothing; the upload ones take the file's bytes, so a
test may drive them without a browser's upload."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.city import bodies, city_settings, items, shared_criteria, starting
from tracker.roles import User, require
from tracker.scope import Scope
from tracker.text import fmt_number
from tracker.ui import city_accounts, flash
from tracker.ui.write_outcome import FLASH, Outcome, attempt, report

SECTIONS = (
    "Cơ quan",
    "Mục của Kế hoạch thành phố",
    "Bộ tiêu chí của thành phố",
    "Tham số Báo cáo của Sở Nội vụ",
    "Tài khoản thành phố",
)
NEW_BODY = ""  # the form's choice for a body not in the catalogue yet
YES_NO = {True: "Có", False: "Không"}


def render(scope: Scope) -> None:
    user, reg = scope.user, scope.db
    require(user, "edit_bodies")
    st.title("Quản trị thành phố")
    st.caption(
        "Danh mục cơ quan, các mục của Kế hoạch thành phố, bộ tiêu chí của thành phố, tham số "
        "Báo cáo của Sở Nội vụ gửi UBND thành phố và tài khoản thành phố. Mọi thay đổi đều được "
        "ghi nhật ký."
    )
    flash.show(FLASH)
    tabs = st.tabs(list(SECTIONS))
    with tabs[0]:
        _bodies(user, reg)
    with tabs[1]:
        _items(user, reg, scope.year)
    with tabs[2]:
        _criteria(user, reg, scope.year)
    with tabs[3]:
        _settings(user, reg)
    with tabs[4]:
        city_accounts.section(user, reg)


# --- Cơ quan ----------------------------------------------------------------------------------


def bodies_frame(reg: Path) -> pd.DataFrame:
    """The catalogue as the page shows it."""
    rows = bodies.all_bodies(reg)
    return pd.DataFrame(
        {
            "Mã": [b.code for b in rows],
            "Tên cơ quan": [b.name for b in rows],
            "Loại": [b.kind_label for b in rows],
            "Đang theo dõi": [YES_NO[b.active] for b in rows],
            "Dữ liệu mẫu": [YES_NO[b.sample] for b in rows],
            "Có cơ sở dữ liệu": [YES_NO[b.home or b.path.exists()] for b in rows],
            "Ghi chú": [b.note or "" for b in rows],
        }
    )


def save_body(
    user: User, reg: Path, *, code: str, name: str, kind: str, active: bool, note: str | None
) -> Outcome:
    """Add or change one body (bodies.save_body)."""
    return attempt(
        lambda: bodies.save_body(
            user, reg, code=code, name=name, kind=kind, active=active, note=note
        ),
        lambda saved: f"Đã lưu cơ quan {saved.name} ({saved.code}).",
    )


def load_bodies(user: User, reg: Path, data: bytes, name: str) -> Outcome:
    """Replace the catalogue with a CSV (bodies.load_csv); nothing changes while it has a problem."""
    return attempt(
        lambda: bodies.load_csv(user, data, reg, name),
        lambda codes: (
            f"Đã nạp danh mục {fmt_number(len(codes), 0)} cơ quan từ {name}; cơ quan "
            "không có trong tệp chuyển sang ngừng theo dõi."
        ),
    )


def _bodies(user: User, reg: Path) -> None:
    st.dataframe(bodies_frame(reg), hide_index=True, width="stretch", key="qttp_bodies")
    st.caption(
        "Cơ quan mới chưa có cơ sở dữ liệu: danh mục chỉ ghi tên cơ quan (như lệnh "
        "`python -m tracker body load`); cơ quan bắt đầu dùng ứng dụng khi được tạo cơ sở dữ "
        "liệu và tài khoản quản trị đầu tiên ở biểu mẫu “Bắt đầu theo dõi” bên dưới."
    )
    _body_form(user, reg)
    _start_form(user, reg)
    st.markdown("**Danh mục cơ quan dạng CSV** (các cột như data/bodies.csv)")
    st.download_button(
        "Tải danh mục cơ quan (.csv)",
        bodies.export_csv(reg),
        file_name=bodies.FILE,
        mime="text/csv",
        on_click="ignore",
        key="qttp_bodies_csv",
        icon=":material/download:",
    )
    upload = st.file_uploader(
        "Nạp danh mục cơ quan từ tệp CSV (thay cả danh mục)", type=["csv"], key="qttp_bodies_up"
    )
    if upload is not None and st.button("Nạp danh mục này", key="qttp_bodies_load"):
        outcome = load_bodies(user, reg, upload.getvalue(), upload.name)
        report(outcome, "Tệp danh mục có lỗi, chưa nạp gì:", "qttp_bodies_problems")


def _body_form(user: User, reg: Path) -> None:
    known = {b.code: b for b in bodies.all_bodies(reg)}
    chosen = st.selectbox(
        "Cơ quan cần thêm hoặc sửa",
        [NEW_BODY, *known],
        format_func=lambda c: f"{known[c].name} ({c})" if c else "— Thêm cơ quan mới —",
        key="qttp_body_pick",
    )
    body = known.get(chosen)
    kinds = list(bodies.KINDS)
    at = chosen or "new"  # each body its own widgets: their values are that body's
    with st.form(f"qttp_body_form_{at}"):
        code = st.text_input(
            "Mã cơ quan",
            value=body.code if body else "",
            disabled=body is not None,
            key=f"qttp_body_code_{at}",
        )
        name = st.text_input(
            "Tên cơ quan", value=body.name if body else "", key=f"qttp_body_name_{at}"
        )
        kind = st.selectbox(
            "Loại cơ quan",
            kinds,
            index=kinds.index(body.kind) if body else 1,
            format_func=bodies.KINDS.get,
            key=f"qttp_body_kind_{at}",
        )
        active = st.checkbox(
            "Đang theo dõi", value=body.active if body else True, key=f"qttp_body_active_{at}"
        )
        note = st.text_input(
            "Ghi chú", value=(body.note or "") if body else "", key=f"qttp_body_note_{at}"
        )
        sent = st.form_submit_button("Lưu cơ quan", type="primary", key="qttp_body_save")
    if sent:
        outcome = save_body(
            user,
            reg,
            code=body.code if body else code.strip().upper(),
            name=name,
            kind=kind,
            active=active,
            note=note or None,
        )
        report(outcome, "Chưa lưu được cơ quan:", "qttp_body_problems")


def start_body(
    user: User, reg: Path, *, code: str, username: str, full_name: str, password: str
) -> Outcome:
    """A body's file and its first administrator (starting.start_body)."""
    return attempt(
        lambda: starting.start_body(
            user,
            code,
            reg,
            admin_username=username,
            admin_password=password,
            full_name=full_name or None,
        ),
        lambda _: (
            f"Đã tạo cơ sở dữ liệu của cơ quan {code} và tài khoản quản trị "
            f"'{username.strip().lower()}': người này đăng nhập để nạp đơn vị, Kế hoạch và tạo tài "
            "khoản của cơ quan."
        ),
    )


def _start_form(user: User, reg: Path) -> None:
    waiting = {
        b.code: b.name
        for b in bodies.all_bodies(reg)
        if b.active and not b.home and not b.path.exists()
    }
    st.markdown(
        "**Bắt đầu theo dõi một cơ quan** (tạo cơ sở dữ liệu và tài khoản quản trị đầu tiên)"
    )
    if not waiting:
        st.caption("Mọi cơ quan đang theo dõi đều đã có cơ sở dữ liệu.")
        return
    with st.form("qttp_start_form", clear_on_submit=True):
        code = st.selectbox(
            "Cơ quan",
            list(waiting),
            format_func=lambda c: f"{waiting[c]} ({c})",
            key="qttp_start_code",
        )
        username = st.text_input("Tên đăng nhập của quản trị cơ quan", key="qttp_start_username")
        full_name = st.text_input("Họ và tên", key="qttp_start_full_name")
        password = st.text_input("Mật khẩu ban đầu", type="password", key="qttp_start_password")
        sent = st.form_submit_button("Tạo cơ sở dữ liệu", type="primary", key="qttp_start_go")
    if sent:
        outcome = start_body(
            user, reg, code=code, username=username, full_name=full_name, password=password
        )
        report(outcome, "Chưa bắt đầu được:", "qttp_start_problems")


# --- Mục của Kế hoạch thành phố ---------------------------------------------------------------


def load_items(user: User, reg: Path, data: bytes, name: str) -> Outcome:
    """The city's items for the years of a CSV (items.load_csv)."""
    return attempt(
        lambda: items.load_csv(user, data, reg, name),
        lambda years: (
            "Đã nạp các mục của Kế hoạch thành phố năm "
            f"{', '.join(str(y) for y in years) or '—'} từ {name}."
        ),
    )


def _items(user: User, reg: Path, year: int | None) -> None:
    if year is None:
        st.info("Chưa có danh sách mục của Kế hoạch thành phố cho năm nào.")
    else:
        listed = items.items(year, reg)
        if any(i.provisional for i in listed):
            st.info(f"Danh sách mục năm {year} đang là danh sách tạm thời (mẫu kèm theo).")
        st.dataframe(
            pd.DataFrame(
                {
                    "Mã mục": [i.code for i in listed],
                    "Nội dung": [i.title for i in listed],
                    "Ghi chú": [i.note or "" for i in listed],
                }
            ),
            hide_index=True,
            width="stretch",
            key="qttp_items",
        )
        st.download_button(
            f"Tải các mục năm {year} (.csv)",
            items.export_csv(year, reg),
            file_name=f"city_items_{year}.csv",
            mime="text/csv",
            on_click="ignore",
            key="qttp_items_csv",
            icon=":material/download:",
        )
    upload = st.file_uploader(
        "Nạp các mục từ tệp CSV (cột year, code, title, note; thay danh sách của các năm trong tệp)",
        type=["csv"],
        key="qttp_items_up",
    )
    if upload is not None and st.button("Nạp các mục này", key="qttp_items_load"):
        outcome = load_items(user, reg, upload.getvalue(), upload.name)
        report(outcome, "Tệp các mục có lỗi, chưa nạp gì:", "qttp_items_problems")


# --- Bộ tiêu chí của thành phố ---------------------------------------------------------------


def load_criteria(
    user: User, reg: Path, year: int, data: bytes, name: str, label: str, provisional: bool
) -> Outcome:
    """The city's criteria set of `year` from an .xlsx (shared_criteria.load_xlsx), copied into
    every active body's file."""
    return attempt(
        lambda: shared_criteria.load_xlsx(
            user, year, data, name, label, reg, provisional=provisional
        ),
        lambda codes: (
            f"Đã nạp bộ tiêu chí năm {year} của thành phố từ {name} và chép vào "
            f"{fmt_number(len(codes), 0)} cơ quan."
        ),
    )


def _criteria(user: User, reg: Path, year: int | None) -> None:
    if year is None:
        st.info("Chưa có năm nào để nạp bộ tiêu chí của thành phố.")
        return
    found = shared_criteria.city_set(year, reg)
    if found is None:
        st.info(f"Năm {year} chưa có bộ tiêu chí của thành phố.")
    else:
        head, rows = found
        state = " (tạm thời)" if head["provisional"] else ""
        st.markdown(f"**Bộ tiêu chí năm {year}**{state}")
        st.caption(head["label"])
        st.dataframe(
            pd.DataFrame(
                {
                    "Mã": [r["code"] for r in rows],
                    "Nhóm": [r["group_name"] for r in rows],
                    "Tiêu chí": [r["title"] for r in rows],
                    "Điểm tối đa": [fmt_number(r["max_points"]) for r in rows],
                }
            ),
            hide_index=True,
            width="stretch",
            key="qttp_criteria",
        )
    upload = st.file_uploader(
        f"Nạp bộ tiêu chí năm {year} từ tệp .xlsx (chép vào mọi cơ quan đang theo dõi)",
        type=["xlsx"],
        key="qttp_criteria_up",
    )
    label = st.text_input(
        "Tên bộ tiêu chí",
        value=shared_criteria.DEFAULT_LABEL,
        key="qttp_criteria_label",
    )
    provisional = st.checkbox("Vẫn là bộ tạm thời", key="qttp_criteria_provisional")
    if upload is not None and st.button("Nạp bộ tiêu chí này", key="qttp_criteria_load"):
        outcome = load_criteria(user, reg, year, upload.getvalue(), upload.name, label, provisional)
        report(outcome, "Bộ tiêu chí có lỗi, chưa nạp gì:", "qttp_criteria_problems")


# --- Tham số Báo cáo của Sở Nội vụ ------------------------------------------------------------


def set_setting(user: User, reg: Path, key: str, value: str) -> Outcome:
    """Change one setting of Sở Nội vụ's Báo cáo (city_settings.set_value)."""
    return attempt(
        lambda: city_settings.set_value(user, key, value, reg),
        lambda _: f"Đã đổi tham số {key}.",
    )


def _settings(user: User, reg: Path) -> None:
    rows = city_settings.rows(reg)
    st.dataframe(
        pd.DataFrame(rows, columns=["Tham số", "Giá trị", "Ý nghĩa"]),
        hide_index=True,
        width="stretch",
        key="qttp_settings",
    )
    now = {key: value for key, value, _ in rows}
    about = {key: text for key, _, text in rows}
    key = st.selectbox(
        "Tham số cần đổi", list(now), format_func=lambda k: f"{k}: {about[k]}", key="qttp_set_key"
    )
    with st.form(f"qttp_setting_form_{key}"):
        value = st.text_input("Giá trị mới", value=now[key], key=f"qttp_set_value_{key}")
        sent = st.form_submit_button("Lưu tham số", type="primary", key="qttp_set_save")
    if sent:
        report(set_setting(user, reg, key, value), "Chưa đổi được tham số:", "qttp_set_problems")
