"""Sở Nội vụ's thẩm định of bodies' self-scores (QĐ 2579): for a body and year, the score Sở Nội vụ
gives the body's own assessment, with a comment (the latest stands; the audit log keeps every
one), and the leaders' approval of a year's ranking of one kind of body. The ranking itself is
overview.ranking(): by the reviewed score where there is one, else the self-score.
"""

from __future__ import annotations

from pathlib import Path

from tracker import settings
from tracker.city import bodies
from tracker.roles import User, require
from tracker.store import audit, db
from tracker.text import nfc


class ReviewError(ValueError):
    """A review that cannot be recorded as asked; the message is Vietnamese."""


def review(user: User, registry: Path, body: str, year: int, score: float, comment: str) -> None:
    """Record Sở Nội vụ's score (0-100) for `body`'s assessment of `year`, with its reasons."""
    require(user, "review_body_score")
    if bodies.find(body, registry) is None:
        raise ReviewError(f"Không có cơ quan '{body}'.")
    if not 0 <= float(score) <= 100:
        raise ReviewError(f"Điểm thẩm định phải từ 0 đến 100 (đang là {score}).")
    comment = nfc(comment)
    if not comment:
        raise ReviewError("Hãy ghi nhận xét, căn cứ thẩm định.")
    key = {"b": body, "y": int(year)}
    with db.transaction(registry) as tx:
        before = tx.rows(
            "select score, comment from body_review where body = $b and year = $y", key
        )
        tx.insert(
            "body_review",
            "values ($b, $y, $s, $c, $by, $at)",
            key | {"s": float(score), "c": comment, "by": user.username, "at": settings.now()},
            replace=True,
        )
        audit.record(
            "body_review",
            username=user.username,
            role=user.role,
            target=f"{body}/{year}",
            before={"score": before[0][0], "comment": before[0][1]} if before else None,
            after={"score": float(score), "comment": comment},
            tx=tx,
        )


def clear(user: User, registry: Path, body: str, year: int) -> bool:
    """Withdraw Sở Nội vụ's score (the self-score ranks the body again); whether there was one."""
    require(user, "review_body_score")
    with db.transaction(registry) as tx:
        gone = tx.delete(
            "body_review",
            "where body = $b and year = $y returning score",
            {"b": body, "y": int(year)},
        )
        if gone:
            audit.record(
                "body_review_clear",
                username=user.username,
                role=user.role,
                target=f"{body}/{year}",
                before={"score": gone[0][0]},
                tx=tx,
            )
    return bool(gone)


def approve_ranking(user: User, registry: Path, year: int, kind: str) -> None:
    """Sở Nội vụ's leader approves the year's ranking of one kind of body."""
    require(user, "approve_city_ranking")
    if kind not in bodies.KINDS:
        raise ReviewError(f"Loại cơ quan '{kind}' không hợp lệ; chọn: {', '.join(bodies.KINDS)}.")
    with db.transaction(registry) as tx:
        tx.insert(
            "ranking_approval",
            "values ($y, $k, $by, $at)",
            {"y": int(year), "k": kind, "by": user.username, "at": settings.now()},
            replace=True,
        )
        audit.record(
            "city_ranking_approve",
            username=user.username,
            role=user.role,
            target=f"{year}/{kind}",
            tx=tx,
        )
