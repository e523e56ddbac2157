"""A body's periodic Báo cáo to Sở Nội vụ (Nghị định 09/2019 periods: quý I, 6 tháng, 9 tháng, năm),
kept by the city as a frozen snapshot.

Its leader approves it in the app: the .docx and .xlsx the body's Xuất dữ liệu makes for that
period (export.baocao_files, the body's own file) and the figures they were made from (as of the
report's data week) are frozen into the registry then. Its administrator submits the approved
snapshot: Sở Nội vụ receives it numbered (số đến: the year's next number across the city), and
it counts on time when submitted by the period's due date. Approving again before submitting
replaces the draft; after submitting, a new approval is a new version (the first submission
keeps deciding on time or late).

Due dates: Sở Nội vụ's own per year and period (set_due), else DEFAULT_DUE_DAYS after the
period's last day (14/3, 14/6, 14/9, 14/12 + 6 = the 20th: a provisional default).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import settings
from tracker.accounts import directory
from tracker.catalogue import periods
from tracker.city import bodies
from tracker.exports import baocao, baocao_figures, export
from tracker.roles import CITY_SYSTEM, SYSTEM, PermissionDenied, User, require
from tracker.store import audit, db
from tracker.text import nfc

PERIODS = tuple(periods.DECREE_PERIODS)
DEFAULT_DUE_DAYS = 6
ON_TIME, LATE, MISSING, NOT_DUE = "Đúng hạn", "Trễ hạn", "Chưa nộp", "Chưa đến hạn"


class ReportError(ValueError):
    """A Báo cáo that cannot be approved or submitted as asked; the message is Vietnamese."""


def acting_body(user: User, code: str) -> None:
    """Refuse a body's account acting for another body (the command line may act for any)."""
    if user in (SYSTEM, CITY_SYSTEM):
        return
    if directory.store_of(user.username).body != code:
        raise PermissionDenied(f"Tài khoản '{user.username}' chỉ thao tác cho cơ quan của mình.")


def _period(period: str) -> str:
    if period not in PERIODS:
        raise ReportError(f"Kỳ báo cáo '{period}' không hợp lệ; chọn: {', '.join(PERIODS)}.")
    return period


def due_on(year: int, period: str, registry: Path) -> date:
    """When Sở Nội vụ expects the Báo cáo of `period` of `year` (see the module)."""
    found = db.rows(
        "select due_on from report_due where year = $y and period = $p",
        {"y": int(year), "p": _period(period)},
        registry,
    )
    if found:
        return found[0][0]
    return periods.decree_range(period, year)[1] + timedelta(days=DEFAULT_DUE_DAYS)


def set_due(user: User, year: int, period: str, due: date, registry: Path) -> None:
    """Sở Nội vụ sets when it expects a period's Báo cáo."""
    require(user, "send_city_request")
    with db.transaction(registry) as tx:
        tx.insert(
            "report_due",
            "values ($y, $p, $d, $by, $at)",
            {"y": int(year), "p": _period(period), "d": due, "by": user.username}
            | {"at": settings.now()},
            replace=True,
        )
        audit.record(
            "report_due_set",
            username=user.username,
            role=user.role,
            target=f"{year}/{period}",
            after={"due_on": due},
            tx=tx,
        )


def snapshot(period: str, year: int, path: Path, number: str | None = None) -> dict[str, Any]:
    """What the body at `path` would freeze now for its Báo cáo of `period` of `year`: the .docx
    and .xlsx the body's Xuất dữ liệu makes (export.baocao_bundle) and, from the same reading,
    its figures as of the report's data week (reads the body's file only)."""
    try:
        docx, xlsx, f = export.baocao_bundle(
            period=_period(period), year=year, number=number, path=path
        )
    except (baocao.BaoCaoError, periods.RangeError) as exc:
        raise ReportError(str(exc)) from None
    numbers = _figures(f, path)
    return {
        "year": int(year),
        "period": period,
        "date_from": f.p.start,
        "date_to": f.p.end,
        "data_week": numbers["data_week"],
        "number": number,
        "docx": docx,
        "xlsx": xlsx,
        "docx_sha256": hashlib.sha256(docx).hexdigest(),
        "xlsx_sha256": hashlib.sha256(xlsx).hexdigest(),
        "figures": json.dumps(numbers, ensure_ascii=False, sort_keys=True),
    }


def _figures(f: baocao_figures.Figures, path: Path) -> dict[str, Any]:
    """The figures Sở Nội vụ compiles: plan completion, reporting over the period's weeks, the
    body's own assessment, its difficulties by state (and the newest still open, in words),
    and the completion of each city item."""
    week = periods.as_of_week(f.p.end)
    asked = f.asked
    expected = int(asked["expected_units"].sum()) if not asked.empty else 0
    own = f.scores[f.scores["unit_code"] == "VP"]
    states = f.difficulties["state"].value_counts().to_dict() if not f.difficulties.empty else {}
    items = db.query("completion_by_city_item", path, week=week)
    return {
        "data_week": week,
        "plan_completion": f.plan_completion,
        "expected_reports": expected,
        "reported": int(asked["reported"].sum()) if expected else 0,
        "on_time": int(asked["on_time"].sum()) if expected else 0,
        "self_score": None if own.empty else _number(own.iloc[0]["final_total"]),
        "self_grade": None if own.empty else own.iloc[0]["grade"],
        "difficulties": {str(k): int(v) for k, v in states.items()},
        "items": {r.city_item: _number(r.completion) for r in items.itertuples()},
        "open_items": _open_items(f.still_open),
    }


OPEN_ITEMS = 10  # open difficulties frozen with a snapshot, the newest first
ITEM_CHARS = 300


def _clip(value: Any) -> str | None:
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    text = " ".join(nfc(value).split())
    return text if len(text) <= ITEM_CHARS else text[: ITEM_CHARS - 1].rstrip() + "…"


def _open_items(still_open: pd.DataFrame) -> list[dict[str, Any]]:
    """The body's newest OPEN_ITEMS difficulties still open at the data week, as Sở Nội vụ
    reads them: the unit, the task, what it says and what it proposes (clipped)."""
    newest = still_open.sort_values("raised_at", ascending=False, kind="stable")
    return [
        {
            "unit": nfc(r.unit_name),
            "task": None if pd.isna(r.task_code) else str(r.task_code),
            "content": _clip(r.content),
            "proposal": _clip(r.proposal),
        }
        for r in newest.head(OPEN_ITEMS).itertuples(index=False)
    ]


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def approve(
    user: User, body: str, period: str, year: int, registry: Path, *, number: str | None = None
) -> int:
    """The body's leader approves its Báo cáo of `period` of `year`: frozen now (see the
    module); the snapshot's id."""
    require(user, "approve_body_report")
    acting_body(user, body)
    found = bodies.find(body, registry)
    if found is None or not found.active:
        raise ReportError(f"Không có cơ quan '{body}' đang theo dõi.")
    return record_approval(user, body, snapshot(period, year, found.path, number), registry)


def record_approval(user: User, body: str, frozen: dict[str, Any], registry: Path) -> int:
    """Keep a snapshot() of `body` in the registry as approved by `user` now (replacing an
    approved one of the same period not submitted yet)."""
    row = frozen | {"body": body, "approved_by": user.username, "approved_at": settings.now()}
    with db.transaction(registry) as tx:
        tx.delete(
            "body_report",
            "where body = $b and year = $y and period = $p and submitted_at is null",
            {"b": body, "y": row["year"], "p": row["period"]},
        )
        report_id = tx.insert_row("body_report", row)
        audit.record(
            "body_report_approve",
            username=user.username,
            role=user.role,
            target=f"{body}/{row['year']}/{row['period']}",
            detail={"report": report_id, "docx_sha256": row["docx_sha256"]},
            tx=tx,
        )
    return report_id


def submit(user: User, report_id: int, registry: Path) -> int:
    """The body's administrator submits an approved snapshot to Sở Nội vụ; its received number."""
    require(user, "submit_body_report")
    found = db.rows(
        "select body, year, period, submitted_at from body_report where id = $i",
        {"i": int(report_id)},
        registry,
    )
    if not found:
        raise ReportError(f"Không có Báo cáo số {report_id} đã được lãnh đạo duyệt.")
    body, year, period, submitted = found[0]
    acting_body(user, body)
    if submitted is not None:
        raise ReportError("Báo cáo này đã được gửi Sở Nội vụ.")
    with db.transaction(registry) as tx:
        received = tx.scalar(
            "select coalesce(max(received_no), 0) + 1 from body_report where year = $y",
            {"y": year},
        )
        tx.update(
            "body_report",
            "set submitted_by = $by, submitted_at = $at, received_no = $n where id = $i",
            {"by": user.username, "at": settings.now(), "n": received, "i": int(report_id)},
        )
        audit.record(
            "body_report_submit",
            username=user.username,
            role=user.role,
            target=f"{body}/{year}/{period}",
            detail={"report": int(report_id), "received_no": received},
            tx=tx,
        )
    return received


def reports(year: int, registry: Path) -> pd.DataFrame:
    """Every snapshot of `year` (no bytes), newest first (queries/city_reports.sql)."""
    return db.query("city_reports", registry, year=int(year))


def report_file(user: User, report_id: int, part: str, registry: Path) -> tuple[str, bytes]:
    """A snapshot's frozen .docx or .xlsx (part 'docx' or 'xlsx') with a file name: for Sở Nội
    vụ, and for the body's own accounts."""
    found = db.rows(
        f"select body, year, period, {'docx' if part == 'docx' else 'xlsx'} "
        "from body_report where id = $i",
        {"i": int(report_id)},
        registry,
    )
    if not found:
        raise ReportError(f"Không có Báo cáo số {report_id}.")
    body, year, period, data = found[0]
    if user.is_city:
        require(user, "send_city_request")  # Sở Nội vụ's officers and leaders read them
    else:
        require(user, "export")
        acting_body(user, body)
    suffix = "" if part == "docx" else "_phu-luc"
    return f"BaoCao_{body}_{period}_{year}{suffix}.{part}", bytes(data)


def statuses(year: int, registry: Path, now: datetime | None = None) -> pd.DataFrame:
    """Per active body and period of `year`: due date, the first submission and its received
    number, the latest approval, and the state: on time, late, missing (due passed, nothing
    submitted) or not due yet."""
    return _statuses(year, PERIODS, registry, now)


def period_statuses(
    year: int, period: str, registry: Path, now: datetime | None = None
) -> pd.DataFrame:
    """statuses() of one period (its rows, the same values), read without the others'."""
    return _statuses(year, (_period(period),), registry, now)


def _statuses(
    year: int, which: tuple[str, ...], registry: Path, now: datetime | None
) -> pd.DataFrame:
    now = now or settings.now()
    sent = _sent_by(reports(year, registry))
    due = {period: due_on(year, period, registry) for period in which}
    rows = []
    for body in bodies.all_bodies(registry):
        if not body.active:
            continue
        rows += [_status(body, period, due[period], sent, now) for period in which]
    return pd.DataFrame(rows)


def body_statuses(
    code: str, year: int, registry: Path, now: datetime | None = None
) -> pd.DataFrame:
    """statuses() of the one body `code` (what its own Xuất dữ liệu shows): its rows only, read
    without the other bodies'; empty when the body is not an active one of the registry."""
    body = bodies.find(code, registry)
    if body is None or not body.active:
        return pd.DataFrame()
    now = now or settings.now()
    sent = reports(year, registry)
    mine = _sent_by(sent[sent["body"] == code])
    return pd.DataFrame([_status(body, p, due_on(year, p, registry), mine, now) for p in PERIODS])


@dataclass
class _Sent:
    """What a body's snapshots of one period come to: its first submission (when, and the
    number it was received under) and its latest approval (NaT when none has a time)."""

    submitted_at: Any = None
    received_no: int | None = None
    approved_at: Any = pd.NaT


def _sent_by(sent: pd.DataFrame) -> dict[tuple[str, str], _Sent]:
    """The snapshots in one pass, per (body, period): a row-by-row pandas filter per body and
    period took 1.2 s for the city's 134 bodies × 4 periods (issue 34, bench_city)."""
    out: dict[tuple[str, str], _Sent] = {}
    columns = ("body", "period", "submitted_at", "received_no", "approved_at")
    for body, period, submitted_at, received_no, approved_at in sent[list(columns)].itertuples(
        index=False, name=None
    ):
        found = out.setdefault((body, period), _Sent())
        if not pd.isna(submitted_at) and (
            found.submitted_at is None or submitted_at < found.submitted_at
        ):
            found.submitted_at, found.received_no = submitted_at, int(received_no)
        if not pd.isna(approved_at) and (
            pd.isna(found.approved_at) or approved_at > found.approved_at
        ):
            found.approved_at = approved_at
    return out


def _status(
    body: bodies.Body,
    period: str,
    due: date,
    sent: dict[tuple[str, str], _Sent],
    now: datetime,
) -> dict[str, Any]:
    found = sent.get((body.code, period))
    deadline = datetime.combine(due, datetime.max.time())
    first = found.submitted_at if found else None
    if first is not None and pd.Timestamp(first) > now:  # as of an earlier `now`: not sent yet
        found, first = None, None
    if first is not None:
        state = ON_TIME if pd.Timestamp(first) <= deadline else LATE
    else:
        state = MISSING if now > deadline else NOT_DUE
    return {
        "body": body.code,
        "body_name": body.name,
        "kind": body.kind,
        "period": period,
        "due_on": due,
        "state": state,
        "submitted_at": first,
        "received_no": found.received_no if found else None,
        "approved_at": found.approved_at if found else None,
    }


def body_reports(code: str, year: int, registry: Path) -> pd.DataFrame:
    """The snapshots of body `code` for `year` (no bytes), newest approval first: what its own
    accounts list; never another body's."""
    sent = reports(year, registry)
    return sent[sent["body"] == code].reset_index(drop=True)
