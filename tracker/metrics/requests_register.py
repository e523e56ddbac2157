"""Requests from Sở Nội vụ and the Office's answers (the plan's III.2.a and III.2.b are done "khi có
yêu cầu"). Registering a request gives its on-request task that deadline: queries/task_completion.sql
shows the task 'Quá hạn' while the request is unanswered past it (the overdue_requests macro,
migration 009); recording the answer clears that. The answer's report file is kept beside the
uploads (files_dir/<ab>/<sha256>.<ext>), so a backup takes it. Every write is audited.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from tracker import roles, settings
from tracker.catalogue import periods
from tracker.roles import User
from tracker.store import audit, db, fileperms
from tracker.text import nfc

ROLES = frozenset({"lanh_dao", "quan_tri"})
FILE_TYPES = (".docx", ".pdf", ".xlsx", ".zip", ".doc")
MAX_FILE = 20 * 1024 * 1024
MAX_TEXT = 4000
UNANSWERED = "Chưa trả lời"
OVERDUE = "Quá hạn"
ANSWERED = "Đã trả lời"


class RequestError(ValueError):
    """A request or answer that cannot be stored; the message is Vietnamese."""


@dataclass(frozen=True)
class Request:
    """What HCTC types from the incoming document."""

    task_code: str
    doc_number: str
    doc_date: date | str
    issuer: str
    subject: str
    due_date: date | str
    content: str = ""
    period_from: date | str | None = None
    period_to: date | str | None = None


def _allowed(user: User | None) -> User:
    roles.require(user, "export")
    assert user is not None  # require() refused None
    if user.role not in ROLES:
        raise roles.PermissionDenied(
            "Chỉ tài khoản Lãnh đạo hoặc Quản trị được ghi yêu cầu và trả lời Sở Nội vụ."
        )
    return user


def _day(value: date | str | None, label: str) -> date:
    if value in (None, ""):
        raise RequestError(f"Hãy nhập {label}.")
    try:
        return periods.parse_day(value)  # type: ignore[arg-type]
    except periods.RangeError as exc:
        raise RequestError(f"{label.capitalize()}: {exc}") from None


def _text(value: str, label: str, *, required: bool = True, limit: int = 300) -> str:
    text = nfc(value)
    if required and not text:
        raise RequestError(f"Hãy nhập {label}.")
    if len(text) > limit:
        raise RequestError(f"{label.capitalize()} dài quá {limit} ký tự.")
    return text


def on_request_tasks(path: Path | None = None, *, year: int) -> pd.DataFrame:
    """The tasks done on request (theo_yeu_cau) of the plan of `year`, in plan order: what a
    request may ask for."""
    tasks = db.query("plan_tasks", path=path, year=year)
    return tasks[tasks["kind"] == "theo_yeu_cau"].reset_index(drop=True)


def _checked(req: Request, path: Path | None, year: int) -> dict[str, object]:
    if req.task_code not in set(on_request_tasks(path, year=year)["code"]):
        raise RequestError(
            f"Nhiệm vụ '{req.task_code}' không phải nhiệm vụ thực hiện khi có yêu cầu."
        )
    row = {
        "plan_year": year,
        "task_code": req.task_code,
        "doc_number": _text(req.doc_number, "số văn bản", limit=50),
        "doc_date": _day(req.doc_date, "ngày văn bản"),
        "issuer": _text(req.issuer, "cơ quan gửi yêu cầu", limit=200),
        "subject": _text(req.subject, "trích yếu"),
        "content": _text(req.content, "nội dung yêu cầu", required=False, limit=MAX_TEXT) or None,
        "due_date": _day(req.due_date, "hạn báo cáo"),
        "period_from": None,
        "period_to": None,
    }
    if row["due_date"] < row["doc_date"]:  # type: ignore[operator]
        raise RequestError("Hạn báo cáo phải sau hoặc bằng ngày văn bản.")
    if req.period_from or req.period_to:
        try:
            row["period_from"], row["period_to"] = periods.date_range(
                None, req.period_from, req.period_to
            )
        except periods.RangeError as exc:
            raise RequestError(f"Kỳ số liệu: {exc}") from None
    return row


def register(user: User | None, req: Request, *, path: Path | None = None, year: int) -> int:
    """Record a request from Sở Nội vụ under the plan of `year` (whose on-request task it asks
    for); returns its id."""
    user = _allowed(user)
    row = _checked(req, path, year)
    with db.transaction(path) as tx:
        new_id = tx.insert_row(
            "report_request",
            {**row, "registered_by": user.username, "registered_at": settings.now()},
        )
        audit.record(
            "request_register",
            username=user.username,
            role=user.role,
            target=f"request|{new_id}",
            after={k: str(v) if v is not None else None for k, v in row.items()},
            tx=tx,
        )
    return int(new_id)


def _keep(data: bytes, suffix: str, path: Path | None) -> str:
    """Store the answer's file beside the uploads (idempotent, atomic); returns its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = settings.files_dir(path or settings.db_path()) / digest[:2] / f"{digest}{suffix}"
    if not target.exists():
        fileperms.private_dir(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    return digest


def answer(
    user: User | None,
    request_id: int,
    report_number: str,
    sent_date: date | str,
    *,
    data: bytes | None = None,
    file_name: str | None = None,
    path: Path | None = None,
) -> None:
    """Record the Office's answer to a request (its report number, the day sent, the file)."""
    user = _allowed(user)
    found = requests(path)
    found = found[found["id"] == int(request_id)]
    if found.empty:
        raise RequestError(f"Không tìm thấy yêu cầu số {request_id}.")
    if found.iloc[0]["sent_date"] is not None:
        raise RequestError("Yêu cầu này đã được ghi nhận trả lời.")
    number = _text(report_number, "số báo cáo", limit=50)
    sent = _day(sent_date, "ngày gửi")
    if sent < found.iloc[0]["doc_date"]:
        raise RequestError("Ngày gửi báo cáo phải sau hoặc bằng ngày văn bản yêu cầu.")
    digest = name = None
    if data is not None:
        name = nfc(file_name) or "bao-cao"
        suffix = Path(name).suffix.lower()
        if suffix not in FILE_TYPES:
            raise RequestError(f"Tệp báo cáo phải là {', '.join(FILE_TYPES)}.")
        if not data or len(data) > MAX_FILE:
            raise RequestError("Tệp báo cáo trống hoặc lớn hơn 20 MB.")
        digest = _keep(data, suffix, path)
    with db.transaction(path) as tx:
        tx.insert(
            "report_answer",
            "values ($id, $n, $d, $sha, $name, $by, $at)",
            {
                "id": int(request_id),
                "n": number,
                "d": sent,
                "sha": digest,
                "name": name,
                "by": user.username,
                "at": settings.now(),
            },
        )
        audit.record(
            "request_answer",
            username=user.username,
            role=user.role,
            target=f"request|{request_id}",
            after={"report_number": number, "sent_date": str(sent), "file": name, "sha256": digest},
            tx=tx,
        )


def requests(path: Path | None = None) -> pd.DataFrame:
    """The register, newest first, with each request's state against today's date."""
    df = db.query("report_requests", path=path)
    for column in ("doc_date", "due_date", "period_from", "period_to", "sent_date"):
        df[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in df[column]]
    today = settings.now().date()
    df["state"] = [
        ANSWERED if sent is not None else OVERDUE if due < today else UNANSWERED
        for sent, due in zip(df["sent_date"], df["due_date"], strict=True)
    ]
    return df


def due(path: Path | None = None) -> pd.DataFrame:
    """The unanswered requests, soonest deadline first (what HCTC must still answer)."""
    df = requests(path)
    return df[df["state"] != ANSWERED].sort_values(["due_date", "id"]).reset_index(drop=True)


def kept_file(digest: str, file_name: str, path: Path | None = None) -> bytes:
    """The bytes of an answer's kept report file."""
    suffix = Path(file_name).suffix.lower()
    folder = settings.files_dir(path or settings.db_path()) / digest[:2]
    return (folder / f"{digest}{suffix}").read_bytes()
