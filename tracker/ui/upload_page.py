"""The Nộp báo cáo page body: the pre-filled template, checking uploads, confirming them.

Streamlit reruns the page on every click, and the uploader keeps its files across reruns: each
file is checked (and, when rejected, recorded) once, keyed by its file id in the session. Files
are checked against, and stored in, the database of the page's scope (`path`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from tracker import settings
from tracker.accounts.auth import User
from tracker.catalogue import periods
from tracker.ingest import checks, markup, submissions, template
from tracker.ui import display, flash, upload_view

FLASH = "upload_flash"
CHECKED = "upload_checked"  # file id -> (result, bytes) for this session

Checked = tuple[submissions.Result, bytes]


def template_section(user: User, unit: str, week: str, path: Path) -> None:
    """Step 1: the template to download, or resubmit last week's figures unchanged. A week this
    user cannot report (not started, outside the plan's weeks, locked) says why first, and
    offers no template: an upload of it would be refused for that reason."""
    st.subheader(f"1. Tải biểu mẫu {periods.label(week)}")
    refused = checks.week_problems(unit, week, user, settings.now(), path)
    if refused:
        st.warning(" ".join(f"{p.message} {p.fix}" for p in refused), icon=":material/event_busy:")
        return
    st.download_button(
        "Tải biểu mẫu đã điền sẵn (.xlsx)",
        data=lambda: template.build(unit, week, path=path),  # built on click, not every rerun
        file_name=f"bieu-mau-{unit}-{week}.xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_template",
        icon=":material/download:",
    )
    st.caption(
        "Biểu mẫu mang sẵn trạng thái và tỷ lệ của tuần trước; chỉ cần cập nhật phần thay đổi."
    )
    if st.button("Không có thay đổi: nộp lại số liệu tuần trước cho tuần này", key="no_change"):
        result = submissions.submit(
            template.build(unit, week, path=path),
            f"khong-thay-doi-{unit}-{week}.xlsx",
            user,
            path=path,
        )
        (st.success if result.status == "accepted" else st.error)(result.message)


def check_section(user: User, path: Path) -> tuple[list[Any], dict[str, Checked]]:
    """Step 2: the uploader; every new file checked once. Returns the files and the checks."""
    st.subheader("2. Tải lên và kiểm tra")
    st.caption(upload_view.uploader_note(_limit_mb()))
    files = st.file_uploader(
        "Chọn một hoặc nhiều tệp .xlsx",
        type=["xlsx"],
        accept_multiple_files=True,
        key="upload_files",
        max_upload_size=_limit_mb(),  # the app's own limit, so the widget says the same
    )
    checked: dict[str, Checked] = st.session_state.setdefault(CHECKED, {})
    bar = st.progress(0.0, text="Đang kiểm tra…") if files else None
    for i, f in enumerate(files or [], start=1):
        if f.file_id not in checked:  # guard: a rerun must not check or record the same file twice
            data = f.getvalue()
            checked[f.file_id] = (_check(data, f.name, user, path), data)
        bar.progress(i / len(files), text=f"Đã kiểm tra {i}/{len(files)} tệp")
    return list(files or []), checked


def _limit_mb() -> int:
    return max(1, settings.MAX_UPLOAD_BYTES // (1024 * 1024))


def _check(data: bytes, name: str, user: User, path: Path) -> submissions.Result:
    result = submissions.check(data, name, user, path=path)
    if result.status == "rejected":
        # Rejected files are kept and recorded too (without reading them again).
        result = submissions.submit(data, name, user, path=path, rejected=result)
    return result


def results(current: list[Checked]) -> None:
    """The outcome of each uploaded file, with its problems, marked copy or preview."""
    if current:
        st.dataframe(
            upload_view.results_frame([r for r, _ in current]),
            hide_index=True,
            key="upload_results",
        )
    for n, (result, data) in enumerate(current):
        with st.expander(
            f"{result.file}: {upload_view.STATUS_LABELS[result.status]}",
            # Warnings of a file waiting for confirmation must be seen before confirming it.
            expanded=result.status == "rejected"
            or (result.status == "checked" and bool(result.warnings)),
        ):
            _result_detail(n, result, data)


def _result_detail(n: int, result: submissions.Result, data: bytes) -> None:
    if result.errors or result.warnings:
        st.dataframe(
            upload_view.problems_frame(result.errors + result.warnings),
            hide_index=True,
            key=f"problems_{n}",
        )
    if result.status == "rejected":
        st.download_button(
            "Tải tệp đã đánh dấu lỗi",
            # Built in a worker on click only: never on every rerun of the page.
            data=lambda: markup.mark_isolated(data, result.errors + result.warnings),
            file_name=f"{result.file.removesuffix('.xlsx')}.loi.xlsx",
            on_click="ignore",
            key=f"marked_{n}",
        )
    elif result.parsed is not None:
        display.show(upload_view.preview_frame(result), key=f"preview_{n}")
        if result.changes is not None and not result.changes.empty:
            st.write("Thay đổi so với bản đang có của tuần này:")
            st.dataframe(result.changes, hide_index=True, key=f"changes_{n}")


def confirm_section(
    user: User, files: list[Any], checked: dict[str, Checked], current: list[Checked], path: Path
) -> None:
    """Step 3: submit every file that passed the check, then show each outcome once."""
    ready = [
        (f.file_id, r, d) for f, (r, d) in zip(files, current, strict=True) if r.status == "checked"
    ]
    if ready and st.button(
        f"3. Xác nhận nộp {len(ready)} tệp hợp lệ", type="primary", key="confirm"
    ):
        uploads = [submissions.Upload(data, result.file) for _, result, data in ready]
        outcomes = []
        for (file_id, _, data), done in zip(
            ready, submissions.submit_many(uploads, user, path=path), strict=True
        ):
            checked[file_id] = (done, data)
            outcomes.append((done.status == "accepted", f"{done.file}: {done.message}"))
        # Rerun so the table above shows the new outcome and the confirm button goes away
        # (it still said "chờ xác nhận" next to the success message); the messages survive it.
        flash.keep_all(FLASH, outcomes)
        st.rerun()
    flash.show(FLASH)
