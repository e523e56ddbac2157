"""Vướng mắc: the register of difficulties and proposals (newest first, filters in the URL);
units raise one at any time, leaders and admins mark one handled with a note."""

import streamlit as st

from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import periods, plan
from tracker.metrics import difficulties
from tracker.text import fmt_datetime
from tracker.ui import filters, shell

FLASH = "vuong_mac_flash"

user = shell.frame("vuong_mac")
unit = filters.select_unit(user, default_own=False)
tasks = plan.tasks()
task_titles = dict(zip(tasks["code"], tasks["short_title"], strict=True))
task = filters.select(
    "Nhiệm vụ",
    [filters.ALL, *tasks["code"]],
    key="task",
    format_func=lambda c: "Tất cả nhiệm vụ" if c == filters.ALL else c,
)
state = filters.select(
    "Tình trạng",
    [filters.ALL, *difficulties.STATES],
    key="state",
    format_func=lambda s: "Tất cả" if s == filters.ALL else s,
)

st.title("Vướng mắc")
if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon=":material/check_circle:")

week = filters.current_week()
st.metric("Vướng mắc chưa xử lý", difficulties.open_count(week))
st.caption(
    "Gồm khó khăn, vướng mắc đơn vị ghi trong biểu mẫu (cột 'Khó khăn, vướng mắc' của báo cáo "
    "gần nhất cho từng nhiệm vụ) và vướng mắc nêu trực tiếp trên ứng dụng; một vướng mắc đã xử "
    "lý mà báo cáo sau ghi nội dung khác được tính là vướng mắc mới. "
    f"Số liệu đến hết {periods.label(week)}."
)

register = difficulties.all(
    {
        "unit": unit,
        "task": None if task == filters.ALL else task,
        "state": None if state == filters.ALL else state,
    }
)
if register.empty:
    st.info("Chưa có vướng mắc nào khớp bộ lọc đang chọn.", icon=":material/inbox:")
else:
    st.dataframe(
        difficulties.table(register), hide_index=True, width="stretch", key="difficulty_table"
    )
    st.caption(
        f"{len(register)} vướng mắc, mới nhất trước · cập nhật {fmt_datetime(settings.now())}"
    )

if auth.can(user, "raise_difficulty"):
    st.subheader("Nêu vướng mắc mới")
    with st.form("raise_form", clear_on_submit=True):
        units = plan.units()
        if user.role == "don_vi":
            target = user.unit_code
            st.caption(f"Đơn vị: {user.unit_code}")
        else:
            names = dict(zip(units["code"], units["name"], strict=True))
            target = st.selectbox(
                "Đơn vị",
                list(names),
                format_func=lambda c: f"{c} - {names[c]}",
                key="raise_unit",
            )
        raise_task = st.selectbox(
            "Nhiệm vụ liên quan",
            ["", *tasks["code"]],
            format_func=lambda c: "(Không gắn nhiệm vụ)" if c == "" else f"{c} - {task_titles[c]}",
            key="raise_task",
        )
        content = st.text_area("Khó khăn, vướng mắc", key="raise_content")
        proposal = st.text_area("Đề xuất, kiến nghị", key="raise_proposal")
        submitted = st.form_submit_button("Gửi vướng mắc", type="primary", key="raise_submit")
    if submitted:
        try:
            new_id = difficulties.raise_difficulty(
                user, target, raise_task or None, content, proposal
            )
        except (difficulties.DifficultyError, auth.PermissionDenied) as exc:
            st.error(str(exc))
        else:
            st.session_state[FLASH] = f"Đã ghi nhận vướng mắc số {new_id}."
            st.rerun()

if auth.can(user, "handle_difficulty"):
    st.subheader("Đánh dấu đã xử lý")
    pending = register[register["state"] == difficulties.OPEN].reset_index(drop=True)
    if pending.empty:
        st.caption("Không có vướng mắc chưa xử lý trong danh sách đang lọc.")
    else:
        labels = [
            f"{r.unit_code} · {r.task_code if isinstance(r.task_code, str) else '—'} · "
            f"{r.content[:90]}"
            for r in pending.itertuples()
        ]
        with st.form("handle_form", clear_on_submit=True):
            choice = st.selectbox(
                "Vướng mắc", range(len(pending)), format_func=lambda i: labels[i], key="handle_item"
            )
            note = st.text_area("Nội dung xử lý (ghi chú)", key="handle_note")
            handled = st.form_submit_button(
                "Đánh dấu đã xử lý", type="primary", key="handle_submit"
            )
        if handled:
            item = pending.iloc[choice]
            try:
                difficulties.mark_handled(
                    user,
                    item["source"],
                    item["ref"],
                    item["content"] if item["source"] == "sheet" else "",
                    note,
                )
            except (difficulties.DifficultyError, auth.PermissionDenied) as exc:
                st.error(str(exc))
            else:
                st.session_state[FLASH] = "Đã đánh dấu vướng mắc là đã xử lý."
                st.rerun()
