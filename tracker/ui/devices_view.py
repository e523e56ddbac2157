"""Trusted browsers on screen (issue 32): the owner's own on Tài khoản, any account's on Quản
trị, each listed with when and where it signed in, and revocable (accounts/devices.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.accounts import auth, devices
from tracker.accounts.auth import User
from tracker.text import fmt_datetime
from tracker.ui import display, flash, shell

_FLASH = "devices_flash"
UNKNOWN_ADDRESS = "không rõ"


def browsers_view(df: pd.DataFrame, current: str | None = None) -> pd.DataFrame:
    """The trusted browsers with Vietnamese headers; times stay timestamps (sortable)."""
    return pd.DataFrame(
        {
            "Mã": df["id"].str[:8],
            "Trình duyệt": df["browser"],
            "Máy đang dùng": df["id"] == current,
            "Tin cậy từ": pd.to_datetime(df["issued_at"]),
            "Địa chỉ lúc đó": df["issued_client"].fillna(UNKNOWN_ADDRESS),
            "Đăng nhập gần nhất": pd.to_datetime(df["last_used_at"]),
            "Từ địa chỉ": df["last_client"].fillna(UNKNOWN_ADDRESS),
            "Hết hạn": pd.to_datetime(df["expires_at"]),
        }
    )


def _label(row: pd.Series, current: str | None) -> str:
    mine = " (máy đang dùng)" if row["id"] == current else ""
    return (
        f"{row['browser']}{mine}, mã {row['id'][:8]}, đăng nhập gần nhất "
        f"{fmt_datetime(row['last_used_at'])} từ {row['last_client'] or UNKNOWN_ADDRESS}"
    )


def own_browsers(user: User, accounts: Path) -> None:
    """Tài khoản: the signed-in user's trusted browsers (in `accounts`, the store of their
    account), this one marked, any of them revocable."""
    st.subheader("Máy đã đăng nhập")
    flash.show(_FLASH)
    st.caption(
        "Trình duyệt bạn đã đăng nhập được hệ thống ghi nhớ: khi có người dò mật khẩu tài khoản "
        "của bạn từ máy khác, các máy này vẫn đăng nhập được. Đổi mật khẩu không làm mất chúng. "
        "Thấy máy lạ, hãy thu hồi và đổi mật khẩu."
    )
    df = devices.browsers(user.username, accounts)
    if df.empty:
        st.info("Chưa có máy nào được ghi nhớ: lần đăng nhập sau từ trình duyệt này sẽ được ghi.")
        return
    cookie = shell.cookie(devices.cookie_name(user.username))
    current = devices.trusted(cookie, user.username, accounts)
    display.show(browsers_view(df, current), key="own_browsers")
    rows = {row["id"]: _label(row, current) for _, row in df.iterrows()}
    chosen = st.multiselect(
        "Chọn máy để thu hồi", list(rows), format_func=rows.get, key="revoke_choice"
    )
    if st.button("Thu hồi các máy đã chọn", key="revoke_own_browsers", disabled=not chosen):
        revoked = devices.revoke(user.username, chosen, by=user, path=accounts)
        flash.keep(_FLASH, f"Đã thu hồi {revoked} máy.")
        st.rerun()


def account_browsers(admin: User, target: str, path: Path) -> None:
    """Quản trị › Tài khoản: how many browsers the chosen account (of the database at `path`)
    trusts; revoke them all (after a password reset for a stolen password, say)."""
    flash.show(_FLASH)
    df = devices.browsers(target, path)
    st.caption(f"Máy '{target}' đã đăng nhập, vẫn vào được khi có người dò mật khẩu: {len(df)}.")
    if df.empty:
        return
    display.show(browsers_view(df), key="account_browsers")
    if st.button("Thu hồi mọi máy đã đăng nhập", key="revoke_account_browsers"):
        try:
            revoked = devices.revoke(target, None, by=admin, path=path)
        except auth.PermissionDenied as exc:
            st.error(str(exc))
        else:
            flash.keep(_FLASH, f"Đã thu hồi {revoked} máy của '{target}'.")
            st.rerun()
