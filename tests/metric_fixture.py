"""A small, hand-computable progress dataset inserted with SQL (no ingest), for metric tests.

Active units: HCTC, BTCD, TTPVHCC, TH (the six other sample units are deactivated), so a task
assigned to '*' has m = 4 units. TH never reports. Weeks: first_week 2026-W07, W08 exempt (Tết).

Task changes (so every rule has a case):
- II.2 (san_pham, lead HCTC) is due 2026-02-28: past due as of W10.
- II.5 gets lead TH (who never reports): lead progress counts 0 while TTPVHCC has reported.
- II.6 (lead HCTC) weighs 2.
- III.2.a (theo_yeu_cau, lead HCTC, '*') and III.2.b (theo_yeu_cau, only HCTC).

Submissions (id, unit, week, uploaded_at, status); current_sheet points at the ones marked *:
  1* HCTC    W07 2026-02-13 10:00   II.3 10, II.4 5, II.2 20, II.6 2, III.2.a 0, III.2.b 0
  2* BTCD    W07 2026-02-13 15:00   II.3 10, II.4 10
  3* HCTC    W09 2026-02-27 09:00   II.3 20, II.4 10, II.2 40, II.6 4
  4* TTPVHCC W09 2026-03-02 08:00   II.3 30, II.4 20, II.5 40   (late)
  5  HCTC    W10 2026-03-05 10:00   II.3 90, II.4 90, II.2 100, II.6 90, III.2.a 100 (superseded)
  6* HCTC    W10 2026-03-06 11:00   II.3 25, II.2 60, II.6 5, III.2.a 50, III.2.b 100 (omits II.4)
  7* BTCD    W10 2026-03-06 16:00   II.3 15, II.4 30
  8  HCTC    W10 2026-03-06 12:00   rejected (its rows must never count)
  9* BTCD    W11 2026-03-13 10:00   II.3 50, II.4 80

Indicator sheets (current): HCTC W07 (sub 1) VAN_BAN 2, MO_HINH 1; W09 (sub 3) VAN_BAN 3,
MO_HINH 2; W10 (sub 6) VAN_BAN 1; the superseded sub 5 says VAN_BAN 50. As of W10: VAN_BAN (flow)
= 6 from W10, MO_HINH (stock) = 2 from W09. Models sheet: HCTC W09 (sub 3), one model.

Hand-computed as of W10 (end Sunday 08/03/2026; expected = 100 * 67 / 365 = 18.3561...%):
  II.3  no lead: (25 + 15 + 30 + 0) / 4 = 17.5, 3/4, Đúng tiến độ
  II.4  lead BTCD: 30, 3/4 (HCTC's 10 carried from W09), Đúng tiến độ
  II.2  lead HCTC: 60, 1/4, Quá hạn (expected 100 * 67 / 59 clamped to 100)
  II.5  lead TH: 0, 1/4, Chậm tiến độ
  II.6  lead HCTC: 5, 1/4, Chậm tiến độ (5 < 18.356 - 10)
  III.2.a 50, 1/4, Đang thực hiện (expected NULL); III.2.b 100, 1/1, Hoàn thành
  II.1.a, II.1.b, II.1.c, III.1: 0, 0/4, Chưa có báo cáo
  plan = (60 + 17.5 + 30 + 0 + 2*5 + 50 + 100) / 12 = 267.5 / 12
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tracker.store import db

ACTIVE_UNITS = ("HCTC", "BTCD", "TTPVHCC", "TH")
# The clock of the tests on this dataset (@pytest.mark.now): a Wednesday after its last upload,
# so the pages offer its weeks (they list weeks up to the current one).
NOW = "2026-03-18T10:00:00"
EXPECTED_W10 = 100 * 67 / 365
PLAN_W10 = 267.5 / 12
# Plan completion per week, W07..W10 (W08 exempt: W07's values carry forward).
PLAN_TREND = {
    "2026-W07": (5 + 10 + 20 + 2 * 2) / 12,
    "2026-W08": (5 + 10 + 20 + 2 * 2) / 12,
    "2026-W09": (15 + 10 + 40 + 2 * 4) / 12,
    "2026-W10": PLAN_W10,
}

SUBMISSIONS = [
    (1, "HCTC", "2026-W07", datetime(2026, 2, 13, 10, 0), "accepted"),
    (2, "BTCD", "2026-W07", datetime(2026, 2, 13, 15, 0), "accepted"),
    (3, "HCTC", "2026-W09", datetime(2026, 2, 27, 9, 0), "accepted"),
    (4, "TTPVHCC", "2026-W09", datetime(2026, 3, 2, 8, 0), "accepted"),
    (5, "HCTC", "2026-W10", datetime(2026, 3, 5, 10, 0), "accepted"),
    (6, "HCTC", "2026-W10", datetime(2026, 3, 6, 11, 0), "accepted"),
    (7, "BTCD", "2026-W10", datetime(2026, 3, 6, 16, 0), "accepted"),
    (8, "HCTC", "2026-W10", datetime(2026, 3, 6, 12, 0), "rejected"),
    (9, "BTCD", "2026-W11", datetime(2026, 3, 13, 10, 0), "accepted"),
]
CURRENT = [1, 2, 3, 4, 6, 7, 9]

_TEXTS = {
    ("II.4", 7): (
        "Tiếp 12 lượt công dân, tổ chức 1 cuộc đối thoại",
        "Báo cáo số 15/BC-BTCD ngày 06/03/2026",
        "Thiếu phòng tiếp dân",
        "Bố trí thêm phòng tiếp công dân",
    ),
    ("II.3", 6): ("Triển khai chương trình công tác quý I", "Kế hoạch số 12/KH-HCTC", "", ""),
}

# (submission, indicator, value); current_sheet 'indicators' for 1, 3, 6 (5 is superseded).
INDICATORS = [
    (1, "VAN_BAN", 2),
    (1, "MO_HINH", 1),
    (3, "VAN_BAN", 3),
    (3, "MO_HINH", 2),
    (5, "VAN_BAN", 50),
    (6, "VAN_BAN", 1),
]
INDICATOR_SHEETS = [("HCTC", "2026-W07", 1), ("HCTC", "2026-W09", 3), ("HCTC", "2026-W10", 6)]
MODEL = ("Tiếp dân tận tình, giải quyết thấu đáo", "Xây dựng hệ thống chính trị", "Đăng ký")

# (submission, task, percent); status follows the percent (0 → Chưa triển khai, 100 → Hoàn thành).
PROGRESS = [
    (1, "II.3", 10),
    (1, "II.4", 5),
    (1, "II.2", 20),
    (1, "II.6", 2),
    (1, "III.2.a", 0),
    (1, "III.2.b", 0),
    (2, "II.3", 10),
    (2, "II.4", 10),
    (3, "II.3", 20),
    (3, "II.4", 10),
    (3, "II.2", 40),
    (3, "II.6", 4),
    (4, "II.3", 30),
    (4, "II.4", 20),
    (4, "II.5", 40),
    (5, "II.3", 90),
    (5, "II.4", 90),
    (5, "II.2", 100),
    (5, "II.6", 90),
    (5, "III.2.a", 100),
    (6, "II.3", 25),
    (6, "II.2", 60),
    (6, "II.6", 5),
    (6, "III.2.a", 50),
    (6, "III.2.b", 100),
    (7, "II.3", 15),
    (7, "II.4", 30),
    (8, "II.3", 99),
    (8, "II.4", 99),
    (9, "II.3", 50),
    (9, "II.4", 80),
]


def _status(percent: float) -> str:
    if percent >= 100:
        return "Hoàn thành"
    return "Chưa triển khai" if percent == 0 else "Đang thực hiện"


def load(path: Path | None = None) -> None:
    """Shrink the catalogue to four active units, adjust four tasks, insert the submissions."""
    with db.transaction(path) as tx:
        tx.execute(
            "update unit set active = list_contains($codes, code)", {"codes": list(ACTIVE_UNITS)}
        )
        tx.execute("update task set due_date = date '2026-02-28' where code = 'II.2'")
        tx.execute("update task set lead_unit = 'TH' where code = 'II.5'")
        tx.execute("update task set weight = 2 where code = 'II.6'")
        tx.execute("update plan_setting set value = '2026-W07' where key = 'first_week'")
        tx.execute("update plan_setting set value = '2026-W08' where key = 'exempt_weeks'")
        for sid, unit, week, at, status in SUBMISSIONS:
            insert_submission(tx, sid, unit, week, at, status=status)
        for sid in CURRENT:
            unit, week = next((u, w) for s, u, w, _, _ in SUBMISSIONS if s == sid)
            tx.execute(
                "insert into current_sheet values ($u, $w, 'progress', $s)",
                {"u": unit, "w": week, "s": sid},
            )
        for row_no, (sid, task, percent) in enumerate(PROGRESS, start=1):
            texts = _TEXTS.get((task, sid), (f"Kết quả {task}", "", "", ""))
            insert_progress(tx, sid, task, percent, row_no, *texts)
        _load_indicators_and_models(tx)
        # Explicit ids above: move the sequence past them so later inserts do not collide.
        tx.execute("select nextval('submission_id_seq') from range(20)")


def _load_indicators_and_models(tx: db.Tx) -> None:
    for unit, week, sid in INDICATOR_SHEETS:
        tx.execute(
            "insert into current_sheet values ($u, $w, 'indicators', $s)",
            {"u": unit, "w": week, "s": sid},
        )
    for row_no, (sid, code, value) in enumerate(INDICATORS, start=1):
        tx.execute(
            "insert into indicator_value values ($s, $c, $n, $v, null)",
            {"s": sid, "c": code, "n": row_no, "v": value},
        )
    tx.execute("insert into current_sheet values ('HCTC', '2026-W09', 'models', 3)")
    name, field, status = MODEL
    tx.execute(
        "insert into model_row values (3, 1, $n, $f, 'Tiếp công dân mỗi thứ Năm', 'Năm 2026', "
        "'Giải quyết 12 kiến nghị', $st)",
        {"n": name, "f": field, "st": status},
    )


def insert_submission(
    tx: db.Tx, sid: int, unit: str, week: str, at: datetime, *, status: str = "accepted"
) -> None:
    tx.execute(
        "insert into submission (id, sha256, filename, unit_code, period, status, uploaded_at, "
        "uploaded_by, uploader_role, reporter, phone, has_progress) values "
        "($id, $sha, $fn, $u, $w, $st, $at, $by, 'don_vi', $rep, $ph, true)",
        {
            "id": sid,
            "sha": f"{sid:064d}",
            "fn": f"{unit}_{week}.xlsx",
            "u": unit,
            "w": week,
            "st": status,
            "at": at,
            "by": unit.lower(),
            "rep": f"Cán bộ {unit}",
            "ph": "0292 3820 000",
        },
    )


def insert_progress(
    tx: db.Tx,
    sid: int,
    task: str,
    percent: float,
    row_no: int,
    result: str = "",
    evidence: str = "",
    difficulty: str = "",
    proposal: str = "",
) -> None:
    tx.execute(
        "insert into progress_row values ($s, $t, $n, null, $st, $p, $r, $e, $d, $pr)",
        {
            "s": sid,
            "t": task,
            "n": row_no,
            "st": _status(percent),
            "p": percent,
            "r": result or None,
            "e": evidence or None,
            "d": difficulty or None,
            "pr": proposal or None,
        },
    )
