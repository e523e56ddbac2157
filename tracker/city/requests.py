"""Requests from Sở Nội vụ to bodies (văn bản yêu cầu báo cáo, cung cấp thông tin): Sở Nội vụ's own
record in the registry, addressed to some bodies or all active ones, each with its due date; a
body's leader or administrator records the body's answer (a text, and the Báo cáo snapshot that
answers it, when one does). Sở Nội vụ sees who answered and who is overdue.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tracker import settings
from tracker.city import bodies
from tracker.city.reports import acting_body
from tracker.roles import User, require
from tracker.store import audit, db
from tracker.text import nfc

MAX_TEXT = 4000


class RequestError(ValueError):
    """A request or an answer that cannot be recorded as asked; the message is Vietnamese."""


def send(
    user: User,
    registry: Path,
    *,
    year: int,
    subject: str,
    due_on: date,
    content: str = "",
    number: str | None = None,
    issued_on: date | None = None,
    to: list[str] | None = None,
) -> int:
    """Sở Nội vụ's request to the bodies `to` (default: every active body); its id."""
    require(user, "send_city_request")
    subject, content = nfc(subject), nfc(content)
    if not subject or len(subject) > MAX_TEXT or len(content) > MAX_TEXT:
        raise RequestError(f"Cần trích yếu yêu cầu (tối đa {MAX_TEXT} ký tự).")
    known = {b.code: b for b in bodies.all_bodies(registry)}
    targets = to if to is not None else [c for c, b in known.items() if b.active]
    unknown = [c for c in targets if c not in known or not known[c].active]
    if unknown or not targets:
        raise RequestError(f"Không có cơ quan đang theo dõi: {', '.join(unknown) or '(trống)'}.")
    with db.transaction(registry) as tx:
        request_id = tx.insert_row(
            "city_request",
            {
                "year": int(year),
                "number": nfc(number) or None,
                "issued_on": issued_on,
                "subject": subject,
                "content": content or None,
                "due_on": due_on,
                "sent_at": settings.now(),
                "sent_by": user.username,
            },
        )
        tx.insert_rows(
            "city_request_body", [{"request_id": request_id, "body": c} for c in targets]
        )
        audit.record(
            "city_request_send",
            username=user.username,
            role=user.role,
            target=str(request_id),
            detail={"subject": subject, "bodies": len(targets), "due_on": due_on},
            tx=tx,
        )
    return request_id


def answer(
    user: User,
    registry: Path,
    request_id: int,
    body: str,
    text: str,
    *,
    report_id: int | None = None,
) -> None:
    """A body records its answer to a request addressed to it."""
    require(user, "answer_city_request")
    acting_body(user, body)
    text = nfc(text)
    if not text or len(text) > MAX_TEXT:
        raise RequestError(f"Cần nội dung trả lời (tối đa {MAX_TEXT} ký tự).")
    key = {"r": int(request_id), "b": body}
    with db.transaction(registry) as tx:
        if not tx.scalar(
            "select count(*) from city_request_body where request_id = $r and body = $b", key
        ):
            raise RequestError(f"Yêu cầu số {request_id} không gửi cơ quan {body}.")
        tx.update(
            "city_request_body",
            "set answered_at = $at, answered_by = $by, answer = $a, report_id = $rep "
            "where request_id = $r and body = $b",
            key | {"at": settings.now(), "by": user.username, "a": text, "rep": report_id},
        )
        audit.record(
            "city_request_answer",
            username=user.username,
            role=user.role,
            target=f"{request_id}/{body}",
            detail={"report": report_id},
            tx=tx,
        )


def requests(year: int, registry: Path) -> pd.DataFrame:
    """Sở Nội vụ's requests of `year` with how many bodies answered, and overdue."""
    return db.query("city_requests", registry, year=int(year), today=settings.now().date())


def for_body(body: str, registry: Path) -> pd.DataFrame:
    """The requests addressed to `body` with its answer (a body sees only its own)."""
    return db.query("city_body_requests", registry, body=body)
