"""A small, hand-computable dataset for the follow-up queries (reporting, difficulties, exports).

Inserted with plain SQL so the tests do not depend on the workbook reader. Settings are the
defaults: first week 2026-W07, exempt 2026-W08, deadline Friday 16:30. TTCBTH is made inactive,
so 9 units are active.

Submissions (uploaded_at; sheets that stand):
  hctc_w09  HCTC W09  27/02 10:00  progress, indicators               Nguyễn Thị Lan 0901000001
  hctc_w10  HCTC W10  06/03 16:30:00 (deadline exactly: on time)      progress superseded; indicators, models stand
  hctc_w10b HCTC W10  09/03 09:00 correction (progress only)          Trần Văn Hùng 0901000009  <- HCTC's last sheet
  btcd_w09  BTCD W09  26/02 08:00  progress, indicators               Phạm Văn Cũ 0292999999
  btcd_w10  BTCD W10  06/03 16:30:01 (one second late)                Lê Minh Tâm 0292000002
  kt_w10    KT   W10  05/03 14:05  progress                           Võ Thị Mai 0909000003
  vx_w08    VX   W08  20/02 09:00  progress (exempt week)             Đỗ Văn Tư 0909000004
  nc_w10_rej NC  W10  05/03 10:00  rejected (does not count)
  ttcbth_w10 TTCBTH W10 04/03 08:00 (inactive unit: ignored by rates)

W10: 9 active units expected; reported HCTC, BTCD, KT = 3; on time HCTC, KT = 2.
W09: reported HCTC, BTCD = 2, both on time. W08: exempt. W07: nobody.

Sheet difficulties (latest standing row per unit and task):
  HCTC II.2  "Thiếu kinh phí in tài liệu" (W09 and W10b, same text) - handled
  HCTC II.6  "Chưa có hướng dẫn mới" (W10b only; W09 empty)          - open as of W10
  BTCD II.4  W09 "Thiếu cán bộ tiếp dân" (handled), W10 "Phòng tiếp dân xuống cấp" (open: reopened)
  KT   II.1.a "=HYPERLINK(...)" with proposal "+ Đề nghị ..."         - open (injection probe)
  VX   II.5  "Lịch tập huấn trùng" (W08, carried forward)             - open
App difficulties: app_nc (NC, no task, 04/03, open), app_ttpv (TTPVHCC II.6, 03/03, handled),
  app_th (TH II.3, 10/03 = W11, open from W11).
Open as of W09: 1 (VX). As of W10: 5. As of W11: 6.

Indicators (standing sheets): HCTC W09 VAN_BAN 2, MO_HINH 1; HCTC W10 VAN_BAN 3, MO_HINH 2;
  BTCD W09 TCD_LUOT 8; BTCD W10 TCD_LUOT 12, DOI_THOAI 1, MO_HINH 1.
Models: HCTC W10 two rows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tracker.store import db

T = datetime
# The clock of the tests on this dataset (@pytest.mark.now): a Wednesday after its last event,
# so the pages offer its weeks (they list weeks up to the current one).
NOW = "2026-03-18T10:00:00"

# name: (unit, period, status, uploaded_at, reporter, phone)
SUBMISSIONS: dict[str, tuple] = {
    "hctc_w09": (
        "HCTC",
        "2026-W09",
        "accepted",
        T(2026, 2, 27, 10, 0),
        "Nguyễn Thị Lan",
        "0901000001",
    ),
    "hctc_w10": (
        "HCTC",
        "2026-W10",
        "accepted",
        T(2026, 3, 6, 16, 30, 0),
        "Nguyễn Thị Lan",
        "0901000001",
    ),
    "hctc_w10b": (
        "HCTC",
        "2026-W10",
        "accepted",
        T(2026, 3, 9, 9, 0),
        "Trần Văn Hùng",
        "0901000009",
    ),
    "btcd_w09": ("BTCD", "2026-W09", "accepted", T(2026, 2, 26, 8, 0), "Phạm Văn Cũ", "0292999999"),
    "btcd_w10": (
        "BTCD",
        "2026-W10",
        "accepted",
        T(2026, 3, 6, 16, 30, 1),
        "Lê Minh Tâm",
        "0292000002",
    ),
    "kt_w10": ("KT", "2026-W10", "accepted", T(2026, 3, 5, 14, 5), "Võ Thị Mai", "0909000003"),
    "vx_w08": ("VX", "2026-W08", "accepted", T(2026, 2, 20, 9, 0), "Đỗ Văn Tư", "0909000004"),
    "nc_w10_rej": ("NC", "2026-W10", "rejected", T(2026, 3, 5, 10, 0), "Bùi Văn Năm", "0909000005"),
    "ttcbth_w10": (
        "TTCBTH",
        "2026-W10",
        "accepted",
        T(2026, 3, 4, 8, 0),
        "Hồ Văn Sáu",
        "0909000006",
    ),
}

# (submission, sheet) pairs that currently stand for their (unit, week, sheet).
CURRENT = [
    ("hctc_w09", "progress"),
    ("hctc_w09", "indicators"),
    ("hctc_w10b", "progress"),
    ("hctc_w10", "indicators"),
    ("hctc_w10", "models"),
    ("btcd_w09", "progress"),
    ("btcd_w09", "indicators"),
    ("btcd_w10", "progress"),
    ("btcd_w10", "indicators"),
    ("kt_w10", "progress"),
    ("vx_w08", "progress"),
    ("ttcbth_w10", "progress"),
]

INJECTION = '=HYPERLINK("http://example.com","x")'
INJECTION_PROPOSAL = "+ Đề nghị hướng dẫn"

# submission: [(task, status, percent, result, evidence, difficulty, proposal)]
PROGRESS: dict[str, list[tuple]] = {
    "hctc_w09": [
        (
            "II.2",
            "Đang thực hiện",
            40.0,
            "Dự thảo Quy chế dân chủ",
            "",
            "Thiếu kinh phí in tài liệu",
            "Bổ sung kinh phí",
        ),
        ("II.6", "Đang thực hiện", 30.0, "Rà soát thủ tục", "", "", ""),
    ],
    "hctc_w10": [
        (
            "II.2",
            "Đang thực hiện",
            50.0,
            "Bản nộp đầu bị thay",
            "",
            "Thiếu kinh phí in tài liệu",
            "",
        ),
    ],
    "hctc_w10b": [
        (
            "II.2",
            "Đang thực hiện",
            60.0,
            "Ban hành Quy chế dân chủ",
            "QĐ 12/QĐ-VP",
            "Thiếu kinh phí in tài liệu",
            "Bổ sung kinh phí",
        ),
        (
            "II.6",
            "Đang thực hiện",
            40.0,
            "Rà soát thủ tục",
            "",
            "Chưa có hướng dẫn mới",
            "Sở Nội vụ hướng dẫn",
        ),
    ],
    "btcd_w09": [
        (
            "II.4",
            "Đang thực hiện",
            40.0,
            "Tiếp 8 lượt công dân",
            "",
            "Thiếu cán bộ tiếp dân",
            "Bổ sung biên chế",
        ),
    ],
    "btcd_w10": [
        (
            "II.4",
            "Đang thực hiện",
            50.0,
            "Tiếp 12 lượt công dân",
            "Sổ tiếp dân",
            "Phòng tiếp dân xuống cấp",
            "Sửa chữa phòng tiếp dân",
        ),
    ],
    "kt_w10": [
        ("II.3", "Hoàn thành", 100.0, "Đã triển khai Nghị quyết", "KH 5/KH-KT", "", ""),
        ("II.1.a", "Đang thực hiện", 20.0, "-5 hội nghị", "", INJECTION, INJECTION_PROPOSAL),
    ],
    "vx_w08": [
        ("II.5", "Đang thực hiện", 10.0, "Tập huấn văn hóa công sở", "", "Lịch tập huấn trùng", ""),
    ],
    "ttcbth_w10": [
        ("II.5", "Đang thực hiện", 5.0, "", "", "Đơn vị ngừng hoạt động", ""),
    ],
}

INDICATORS: dict[str, list[tuple[str, float]]] = {
    "hctc_w09": [("VAN_BAN", 2), ("MO_HINH", 1)],
    "hctc_w10": [("VAN_BAN", 3), ("MO_HINH", 2)],
    "btcd_w09": [("TCD_LUOT", 8)],
    "btcd_w10": [("TCD_LUOT", 12), ("DOI_THOAI", 1), ("MO_HINH", 1)],
}

MODELS = {
    "hctc_w10": [
        (
            "Một cửa thân thiện",
            "Xây dựng hệ thống chính trị",
            "Niêm yết công khai",
            "Năm 2026",
            "",
            "Đang thực hiện",
        ),
        ("Dân vận khéo trong tiếp dân", "Văn hóa - xã hội", "", "Quý I/2026", "", "Đăng ký"),
    ],
}

# name: (unit, task, content, proposal, raised_at, handled)
APP_DIFFICULTIES = {
    "app_nc": (
        "NC",
        None,
        "Cần hướng dẫn ghi minh chứng",
        "Tổ chức tập huấn",
        T(2026, 3, 4, 10, 0),
        False,
    ),
    "app_ttpv": ("TTPVHCC", "II.6", "Phần mềm một cửa lỗi", "", T(2026, 3, 3, 9, 0), True),
    "app_th": ("TH", "II.3", "Chưa nhận được kế hoạch", "", T(2026, 3, 10, 8, 0), False),
}

SHEET_HANDLED = [
    ("HCTC|II.2", "Thiếu kinh phí in tài liệu"),
    ("BTCD|II.4", "Thiếu cán bộ tiếp dân"),
]


def load(path: Path | None = None) -> dict[str, int]:
    """Insert the dataset; return the ids of submissions and app difficulties by name."""
    ids: dict[str, int] = {}
    with db.transaction(path) as tx:
        tx.execute("update unit set active = false where code = 'TTCBTH'")
        for name, (unit, period, status, at, reporter, phone) in SUBMISSIONS.items():
            sheets = {sheet for sub, sheet in CURRENT if sub == name}
            ids[name] = tx.scalar(
                "insert into submission (sha256, filename, unit_code, period, status, uploaded_at, "
                "uploaded_by, uploader_role, reporter, phone, has_progress, has_indicators, "
                "has_models) values ($h, $f, $u, $p, $s, $t, $by, 'don_vi', $r, $ph, $hp, $hi, $hm) "
                "returning id",
                {
                    "h": name,
                    "f": f"{name}.xlsx",
                    "u": unit,
                    "p": period,
                    "s": status,
                    "t": at,
                    "by": unit.lower(),
                    "r": reporter,
                    "ph": phone,
                    "hp": name in PROGRESS,
                    "hi": name in INDICATORS,
                    "hm": "models" in sheets,
                },
            )
        for name, sheet in CURRENT:
            unit, period = SUBMISSIONS[name][:2]
            tx.execute(
                "insert into current_sheet values ($u, $p, $s, $id)",
                {"u": unit, "p": period, "s": sheet, "id": ids[name]},
            )
        for name, rows in PROGRESS.items():
            for no, (task, status, pct, result, evidence, diff, prop) in enumerate(rows, start=1):
                tx.execute(
                    "insert into progress_row (submission_id, task_code, row_no, status, percent, "
                    "result_text, evidence, difficulty, proposal) "
                    "values ($id, $t, $n, $s, $p, $r, $e, $d, $pr)",
                    {
                        "id": ids[name],
                        "t": task,
                        "n": no,
                        "s": status,
                        "p": pct,
                        "r": result,
                        "e": evidence,
                        "d": diff,
                        "pr": prop,
                    },
                )
        for name, values in INDICATORS.items():
            for no, (code, value) in enumerate(values, start=1):
                tx.execute(
                    "insert into indicator_value (submission_id, indicator_code, row_no, value) "
                    "values ($id, $c, $n, $v)",
                    {"id": ids[name], "c": code, "n": no, "v": value},
                )
        for name, models in MODELS.items():
            for no, (title, field, content, timeframe, outcome, status) in enumerate(models, 1):
                tx.execute(
                    "insert into model_row values ($id, $n, $t, $f, $c, $tf, $o, $s)",
                    {
                        "id": ids[name],
                        "n": no,
                        "t": title,
                        "f": field,
                        "c": content,
                        "tf": timeframe,
                        "o": outcome,
                        "s": status,
                    },
                )
        for name, (unit, task, content, proposal, at, handled) in APP_DIFFICULTIES.items():
            ids[name] = tx.scalar(
                "insert into difficulty (unit_code, task_code, content, proposal, raised_by, "
                "raised_at, plan_year) values ($u, $t, $c, $p, $by, $at, 2026) returning id",
                {"u": unit, "t": task, "c": content, "p": proposal, "by": unit.lower(), "at": at},
            )
            if handled:
                tx.execute(
                    "insert into difficulty_handled values ('app', $r, '', 'lanhdao', $at, 'Đã sửa')",
                    {"r": str(ids[name]), "at": T(2026, 3, 5, 8, 0)},
                )
        for ref, text in SHEET_HANDLED:
            tx.execute(
                "insert into difficulty_handled values ('sheet', $r, $t, 'lanhdao', $at, 'Đã xử lý')",
                {"r": ref, "t": text, "at": T(2026, 3, 2, 8, 0)},
            )
    return ids
