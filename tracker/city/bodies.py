"""The body catalogue (cơ quan): data/bodies.csv loaded into the registry, edited by the city
administrator (one body at a time, or a whole CSV: checked as a whole, every mistake with its
line), exported back in the file's columns through the guarded CSV writer.

A body is never deleted (its file holds its history): a CSV without it, or an edit, makes it
inactive. The home body (TRACKER_DB's file, settings.HOME_BODY) stays active and keeps its code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracker import settings
from tracker.csvsafe import restore, rows_csv
from tracker.roles import User, require
from tracker.store import audit, db
from tracker.text import nfc

KINDS = {"van_phong": "Văn phòng", "so_ban_nganh": "Sở, ban, ngành", "xa_phuong": "UBND xã, phường"}
COLUMNS = ("code", "name", "kind", "active", "sample", "note")
FILE = "bodies.csv"
# Upper case, as the file names and the sign-in cookie's prefix use it (never 'city').
CODE_PATTERN = settings.BODY_CODE_PATTERN
TRUE_WORDS = {"true", "1", "x", "có", "co", "yes"}
FALSE_WORDS = {"false", "0", "", "không", "khong", "no"}


class BodyError(ValueError):
    """The body catalogue cannot be changed as asked; `problems` lists every mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    kind: str
    active: bool
    sort_order: int
    sample: bool
    home: bool
    note: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def path(self) -> Path:
        """The body's database file (settings.body_db_path)."""
        return settings.body_db_path(self.code)


def parse(text: str, file: str = FILE) -> list[dict]:
    """The rows of a body CSV, checked as a whole; BodyError lists every mistake."""
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c != "note"]
    if missing:
        raise BodyError([f"{file}, dòng 1: thiếu cột {', '.join(missing)}."])
    out, seen = [], set()
    for row in reader:
        line = reader.line_num
        clean = {k: nfc(restore(v or "")) for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        code = clean.get("code", "").upper()
        fail = _failer(problems, file, line)
        if not CODE_PATTERN.match(code):
            fail(
                f"mã cơ quan '{clean.get('code', '')}' không hợp lệ: 2-20 ký tự in hoa, số "
                "hoặc dấu gạch dưới, bắt đầu bằng chữ (ví dụ SNV, XA_AN_BINH)."
            )
        elif code in seen:
            fail(f"mã cơ quan '{code}' bị trùng.")
        seen.add(code)
        if not clean.get("name"):
            fail("thiếu tên cơ quan.")
        if clean.get("kind") not in KINDS:
            fail(f"cột 'kind' phải là một trong {', '.join(KINDS)}; đang là '{clean.get('kind')}'.")
        out.append(
            {
                "code": code,
                "name": clean.get("name", ""),
                "kind": clean.get("kind", ""),
                "active": _boolean(clean.get("active") or "true", "active", fail),
                "sample": _boolean(clean.get("sample", ""), "sample", fail),
                "note": clean.get("note") or None,
            }
        )
    if problems:
        raise BodyError(problems)
    return out


def _failer(problems: list[str], file: str, line: int) -> Callable[[str], None]:
    return lambda message: problems.append(f"{file}, dòng {line}: {message}")


def _boolean(value: str, column: str, fail: Callable[[str], None]) -> bool:
    word = value.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        fail(f"cột '{column}' phải là true/false, đang là '{value}'.")
    return False


def all_bodies(path: Path) -> list[Body]:
    """Every body of the registry at `path`, in catalogue order (inactive ones included)."""
    return [Body(*row) for row in db.cached_rows("city_bodies", path)]


def find(code: str, path: Path) -> Body | None:
    return next((b for b in all_bodies(path) if b.code == code), None)


def store_rows(tx: db.Tx, rows: list[dict], *, home: str | None = None) -> None:
    """Insert or update bodies (catalogue order: the file's); those not listed keep their row.
    `home` marks the home body."""
    start = tx.scalar("select coalesce(max(sort_order), 0) from body")
    for i, row in enumerate(rows, start=1):
        tx.insert(
            "body",
            "(code, name, kind, active, sort_order, sample, home, note) "
            "values ($code, $name, $kind, $active, $order, $sample, $home, $note) "
            "on conflict (code) do update set name = excluded.name, kind = excluded.kind, "
            "active = excluded.active or body.home, sample = excluded.sample, "
            "note = excluded.note, sort_order = excluded.sort_order",
            row | {"order": start + i, "home": row["code"] == home},
        )


def load_csv(user: User, data: bytes, registry: Path, name: str = FILE) -> list[str]:
    """Replace the catalogue with a CSV (city administrator): listed bodies added or updated in
    the file's order, unlisted ones made inactive; the codes loaded."""
    require(user, "edit_bodies")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BodyError([f"{name}: tệp không ở mã UTF-8 (Excel: Lưu thành › CSV UTF-8)."]) from None
    rows = parse(text, name)
    home = settings.HOME_BODY
    if rows and home not in {r["code"] for r in rows}:
        raise BodyError([f"{name}: thiếu cơ quan gốc {home} (cơ sở dữ liệu TRACKER_DB)."])
    with db.transaction(registry) as tx:
        tx.update("body", "set active = false where not home")
        tx.update("body", "set sort_order = sort_order + 100000")
        store_rows(tx, rows)
        audit.record(
            "body_catalogue_load",
            username=user.username,
            role=user.role,
            detail={"file": name, "bodies": len(rows)},
            tx=tx,
        )
    return [r["code"] for r in rows]


def save_body(
    user: User,
    registry: Path,
    *,
    code: str,
    name: str,
    kind: str,
    active: bool = True,
    note: str | None = None,
) -> Body:
    """Add one body or change its name, kind, state or note (city administrator)."""
    require(user, "edit_bodies")
    text = rows_csv(COLUMNS, [[code, name, kind, "true" if active else "false", "false", note]])
    row = parse(text.decode("utf-8-sig"), "biểu mẫu")[0]
    before = find(row["code"], registry)
    if before is not None and before.home and not row["active"]:
        raise BodyError([f"Không thể ngừng theo dõi cơ quan gốc {before.code}."])
    row["sample"] = before.sample if before else False
    with db.transaction(registry) as tx:
        store_rows(tx, [row], home=row["code"] if before and before.home else None)
        if before is not None:  # keep its place in the catalogue
            tx.update(
                "body",
                "set sort_order = $o where code = $c",
                {"o": before.sort_order, "c": row["code"]},
            )
        audit.record(
            "body_save",
            username=user.username,
            role=user.role,
            target=row["code"],
            before=before.__dict__ if before else None,
            after=row,
            tx=tx,
        )
    found = find(row["code"], registry)
    assert found is not None
    return found


def export_csv(registry: Path) -> bytes:
    """The catalogue in data/bodies.csv's columns (UTF-8 with BOM, formula-safe)."""
    return rows_csv(
        COLUMNS,
        [
            [b.code, b.name, b.kind, str(b.active).lower(), str(b.sample).lower(), b.note or ""]
            for b in all_bodies(registry)
        ],
        lineterminator="\n",
    )
