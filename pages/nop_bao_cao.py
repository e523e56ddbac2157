"""Nộp báo cáo: download the pre-filled template, upload workbooks, check, then confirm."""

import streamlit as st

from tracker.accounts import auth
from tracker.catalogue import periods
from tracker.ingest import markup, submissions, template
from tracker.ui import filters, shell, upload_view

FLASH = "upload_flash"

user = shell.frame("nop_bao_cao")
st.title("Nộp báo cáo tuần")

week = filters.select_week("Kỳ báo cáo", key="week")
if auth.can(user, "upload_any_unit"):
    unit = filters.select_unit(user, allow_all=False, default_own=False)
else:
    unit = user.unit_code
    st.sidebar.write(f"Đơn vị: **{unit}**")

st.subheader(f"1. Tải biểu mẫu {periods.label(week)}")
st.download_button(
    "Tải biểu mẫu đã điền sẵn (.xlsx)",
    data=lambda: template.build(unit, week),  # built on click, not on every rerun
    file_name=f"bieu-mau-{unit}-{week}.xlsx",
    on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_template",
    icon=":material/download:",
)
st.caption("Biểu mẫu mang sẵn trạng thái và tỷ lệ của tuần trước; chỉ cần cập nhật phần thay đổi.")
if st.button("Không có thay đổi: nộp lại số liệu tuần trước cho tuần này", key="no_change"):
    result = submissions.submit(
        template.build(unit, week), f"khong-thay-doi-{unit}-{week}.xlsx", user
    )
    (st.success if result.status == "accepted" else st.error)(result.message)

st.subheader("2. Tải lên và kiểm tra")
files = st.file_uploader(
    "Chọn một hoặc nhiều tệp .xlsx", type=["xlsx"], accept_multiple_files=True, key="upload_files"
)
checked: dict = st.session_state.setdefault("upload_checked", {})
bar = st.progress(0.0, text="Đang kiểm tra…") if files else None
for i, f in enumerate(files or [], start=1):
    if f.file_id not in checked:  # guard: a rerun must not check or record the same file twice
        data = f.getvalue()
        result = submissions.check(data, f.name, user)
        if result.status == "rejected":
            # Rejected files are kept and recorded too (without reading them again).
            result = submissions.submit(data, f.name, user, rejected=result)
        checked[f.file_id] = (result, data)
    bar.progress(i / len(files), text=f"Đã kiểm tra {i}/{len(files)} tệp")
current = [checked[f.file_id] for f in files or []]
if current:
    st.dataframe(
        upload_view.results_frame([r for r, _ in current]), hide_index=True, key="upload_results"
    )
for n, (result, data) in enumerate(current):
    with st.expander(
        f"{result.file}: {upload_view.STATUS_LABELS[result.status]}",
        # Warnings of a file waiting for confirmation must be seen before confirming it.
        expanded=result.status == "rejected"
        or (result.status == "checked" and bool(result.warnings)),
    ):
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
                data=lambda data=data, result=result: markup.mark_isolated(
                    data, result.errors + result.warnings
                ),
                file_name=f"{result.file.removesuffix('.xlsx')}.loi.xlsx",
                on_click="ignore",
                key=f"marked_{n}",
            )
        elif result.parsed is not None:
            st.dataframe(upload_view.preview_frame(result), hide_index=True, key=f"preview_{n}")
            if result.changes is not None and not result.changes.empty:
                st.write("Thay đổi so với bản đang có của tuần này:")
                st.dataframe(result.changes, hide_index=True, key=f"changes_{n}")

ready = [
    (f.file_id, r, d)
    for f, (r, d) in zip(files or [], current, strict=True)
    if r.status == "checked"
]
if ready and st.button(f"3. Xác nhận nộp {len(ready)} tệp hợp lệ", type="primary", key="confirm"):
    outcomes = []
    for file_id, result, data in ready:
        done = submissions.submit(data, result.file, user)
        checked[file_id] = (done, data)
        outcomes.append((done.status == "accepted", f"{done.file}: {done.message}"))
    # Rerun so the table above shows the new outcome and the confirm button goes away
    # (it still said "chờ xác nhận" next to the success message); the messages survive it.
    st.session_state[FLASH] = outcomes
    st.rerun()
for ok, message in st.session_state.pop(FLASH, []):
    (st.success if ok else st.error)(message)
