"""What the Nộp báo cáo page shows of check/submit results: tables and labels (no st.* here)."""

from __future__ import annotations

import pandas as pd

from tracker.catalogue import periods
from tracker.ingest import submissions
from tracker.problems import Problem
from tracker.ui.display import NUMBER, mark

STATUS_LABELS = {
    "checked": "Hợp lệ - chờ xác nhận",
    "accepted": "Đã nhận",
    "rejected": "Bị từ chối",
    "duplicate": "Trùng tệp đã nộp",
}


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as the officer reads them: Vietnamese words only (the codes stay in the
    command line's JSON and the audit log)."""
    return pd.DataFrame(
        [
            {
                "Mức độ": "Lỗi" if p.severity == "error" else "Cảnh báo",
                "Trang tính": p.sheet,
                "Ô": p.cell,
                "Nội dung": p.message,
                "Cách sửa": p.fix,
            }
            for p in problems
        ],
        columns=["Mức độ", "Trang tính", "Ô", "Nội dung", "Cách sửa"],
    )


def results_frame(results: list[submissions.Result]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Tệp": r.file,
                "Kết quả": STATUS_LABELS.get(r.status, r.status),
                "Đơn vị": r.unit or "",
                "Kỳ báo cáo": periods.short_label(r.period) if r.period else "",
                "Số lỗi": len(r.errors),
                "Số cảnh báo": len(r.warnings),
                "Ghi chú": r.message,
            }
            for r in results
        ],
        columns=["Tệp", "Kết quả", "Đơn vị", "Kỳ báo cáo", "Số lỗi", "Số cảnh báo", "Ghi chú"],
    )


def uploader_note(limit_mb: int) -> str:
    """Vietnamese words for Streamlit's own uploader, which 1.67 only draws in English (an
    "Upload" button, "10MB per file • XLSX"). The uploader is given the app's own limit, so the
    two say the same; a larger file is refused in the browser before it is sent."""
    return (
        "Bấm nút “Upload” (Tải lên) để chọn một hoặc nhiều tệp .xlsx, hoặc kéo thả tệp vào ô "
        f"dưới đây; mỗi tệp tối đa {limit_mb} MB (tệp lớn hơn bị từ chối ngay khi chọn, với dòng "
        f"chữ “File must be {limit_mb}.0MB or smaller”: hãy xóa bớt dòng, hình ảnh thừa rồi lưu "
        "lại)."
    )


def preview_frame(result: submissions.Result) -> pd.DataFrame:
    """The parsed progress rows as the officer typed them (after normalisation)."""
    rows = result.parsed.progress if result.parsed and result.parsed.progress else []
    frame = pd.DataFrame(
        [
            {
                "Mã nhiệm vụ": r.task_code,
                "Trạng thái": r.status,
                "Tỷ lệ (%)": r.percent,
                "Kết quả": r.result_text,
                "Minh chứng": r.evidence,
                "Khó khăn": r.difficulty,
                "Đề xuất": r.proposal,
            }
            for r in rows
        ],
        columns=[
            "Mã nhiệm vụ",
            "Trạng thái",
            "Tỷ lệ (%)",
            "Kết quả",
            "Minh chứng",
            "Khó khăn",
            "Đề xuất",
        ],
    )
    frame["Tỷ lệ (%)"] = pd.to_numeric(frame["Tỷ lệ (%)"], errors="coerce").astype("float64")
    return mark(frame, **{"Tỷ lệ (%)": NUMBER})
