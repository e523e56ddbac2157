"""The "Dân vận khéo" register: models by unit, field and status, each model's history, and what
the Office records about a model (mô hình or điển hình, the recognition decision, sending to Sở
Nội vụ).

Decision: the units report their models in the workbook; recognition and sending the register to
Sở Nội vụ are the Office's acts (III.2.a), so HCTC records them on the Dân vận khéo page
(permission "review") and the workbook contract is unchanged (older workbooks stay valid). A
record follows the model's identity (model_key) across the unit's submissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import roles, settings
from tracker.catalogue import plan, plans
from tracker.csvsafe import frame_csv
from tracker.ingest.contract import MODEL_STATUSES
from tracker.roles import User
from tracker.store import audit, db
from tracker.text import fmt_date, is_missing, key, nfc

NO_STATUS = "Chưa ghi trạng thái"
KINDS = ("Mô hình", "Điển hình")
DECISION_NO_MAX = 100


class RecognitionError(ValueError):
    """A recognition record that cannot be stored; `problems` lists every mistake (Vietnamese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Recognition:
    """What the Office records about one model; empty fields mean "not recorded"."""

    kind: str = ""
    decision_no: str = ""
    decision_date: date | None = None
    sent_to_snv: bool = False
    sent_date: date | None = None


def register(path: Path | None = None, *, year: int, week: str | None = None) -> pd.DataFrame:
    """Every unit's models as its latest standing sheet of the plan year `year` lists them, as
    of ISO `week` (a week of that year) when given (queries/models_register.sql), with the
    Office's record: kind, decision_no, decision_date, sent_to_snv, sent_date."""
    if week and plans.of_week(week) != year:
        raise ValueError(f"week {week} is not of the plan year {year}")
    return db.query("models_register", path=path, year=year, week=week)


def filtered(
    df: pd.DataFrame,
    *,
    unit: str | None = None,
    field: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The register narrowed to one unit, field and/or status (None = all)."""
    mask = pd.Series(True, index=df.index)
    if unit:
        mask &= df["unit_code"] == unit
    if field:
        mask &= df["field"].map(key) == key(field)
    if status:
        status_col = df["status"].fillna("").replace("", NO_STATUS)
        mask &= status_col == status
    return df[mask].reset_index(drop=True)


def status_counts(df: pd.DataFrame) -> dict[str, int]:
    """Models per status in the movement's order (Đăng ký → … → Nhân rộng), then unrecorded."""
    statuses = df["status"].fillna("").replace("", NO_STATUS)
    counts = {s: int((statuses == s).sum()) for s in MODEL_STATUSES}
    other = int((~statuses.isin(MODEL_STATUSES)).sum())
    if other:
        counts[NO_STATUS] = other
    return counts


def field_status_matrix(df: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Counts of models per field (rows) and status (columns): every active field of the
    catalogue and every status shown, then fields no longer in use that models still name."""
    statuses = df["status"].fillna("").replace("", NO_STATUS)
    table = pd.crosstab(df["field"], statuses)
    columns = [*MODEL_STATUSES, *([NO_STATUS] if NO_STATUS in table.columns else [])]
    active = plan.model_fields(path)
    fields = [*active, *sorted(set(table.index) - set(active))]
    return table.reindex(index=fields, columns=columns, fill_value=0)


def history(unit_code: str, name: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """Every accepted report of a unit's models (one model when `name` is given), oldest first."""
    df = db.query("models_history", path=path, unit=unit_code)
    if name is not None:
        df = df[df["model_key"] == key(name)].reset_index(drop=True)
    return df


def decision_text(decision_no: Any, decision_date: Any) -> str:
    """'Số 12/QĐ-VP ngày 05/03/2026'; '' when nothing is recorded."""
    no = "" if is_missing(decision_no) else str(decision_no)
    when = "" if is_missing(decision_date) else fmt_date(pd.Timestamp(decision_date).date())
    return " ".join(filter(None, [f"Số {no}" if no else "", f"ngày {when}" if when else ""]))


def sent_text(sent: Any, sent_date: Any) -> str:
    """'Đã gửi ngày dd/mm/yyyy' or ''."""
    if is_missing(sent) or not sent:
        return ""
    when = "" if is_missing(sent_date) else fmt_date(pd.Timestamp(sent_date).date())
    return f"Đã gửi ngày {when}" if when else "Đã gửi"


def _problems(value: Recognition, today: date) -> list[str]:
    out = []
    if value.kind and value.kind not in KINDS:
        out.append(f"Loại '{value.kind}' không hợp lệ; chọn một trong: {', '.join(KINDS)}.")
    if len(value.decision_no) > DECISION_NO_MAX:
        out.append(f"Số quyết định dài quá {DECISION_NO_MAX} ký tự; chỉ ghi số, ký hiệu.")
    if bool(value.decision_no) != (value.decision_date is not None):
        out.append(
            "Ghi đủ cả số và ngày của quyết định công nhận (hoặc để trống cả hai nếu chưa có)."
        )
    if value.decision_date and value.decision_date > today:
        out.append(f"Ngày quyết định {fmt_date(value.decision_date)} ở tương lai; kiểm tra lại.")
    if value.sent_to_snv and value.sent_date is None:
        out.append("Đã gửi Sở Nội vụ thì cần ghi ngày gửi.")
    if not value.sent_to_snv and value.sent_date is not None:
        out.append("Có ngày gửi nhưng chưa đánh dấu 'Đã gửi Sở Nội vụ'; đánh dấu hoặc xóa ngày.")
    if value.sent_date and value.sent_date > today:
        out.append(f"Ngày gửi Sở Nội vụ {fmt_date(value.sent_date)} ở tương lai; kiểm tra lại.")
    return out


def _as_dict(value: Recognition) -> dict[str, Any]:
    return {
        "kind": value.kind or None,
        "decision_no": value.decision_no or None,
        "decision_date": value.decision_date,
        "sent_to_snv": value.sent_to_snv,
        "sent_date": value.sent_date,
    }


def _audit_value(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def record_recognition(
    user: User,
    unit_code: str,
    model_key: str,
    value: Recognition,
    path: Path | None = None,
    *,
    year: int,
) -> bool:
    """Store what the Office records about a model of the register of the plan year `year`;
    returns False when nothing changed. Raises RecognitionError listing every mistake;
    roles.PermissionDenied for non-HCTC."""
    roles.require(user, "review")
    value = Recognition(
        kind=nfc(value.kind).strip(),
        decision_no=" ".join(nfc(value.decision_no).split()),
        decision_date=value.decision_date,
        sent_to_snv=bool(value.sent_to_snv),
        sent_date=value.sent_date,
    )
    reg = register(path, year=year)
    if not ((reg["unit_code"] == unit_code) & (reg["model_key"] == model_key)).any():
        raise RecognitionError(
            [
                f"Không tìm thấy mô hình '{model_key}' của đơn vị {unit_code} trong sổ theo dõi "
                "(bảng “Dân vận khéo” mới nhất của đơn vị); tải lại trang rồi chọn lại mô hình."
            ]
        )
    problems = _problems(value, settings.now().date())
    if problems:
        raise RecognitionError(problems)
    found = db.query_rows("model_recognition", path=path, unit=unit_code, model_key=model_key)
    columns = ("kind", "decision_no", "decision_date", "sent_to_snv", "sent_date")
    before = dict(zip(columns, found[0][2:7], strict=True)) if found else None
    after = _as_dict(value)
    if before == after or (before is None and after == _as_dict(Recognition())):
        return False
    row = {"unit_code": unit_code, "model_key": model_key, **after}
    row |= {"updated_by": user.username, "updated_at": settings.now()}
    with db.transaction(path) as tx:
        tx.insert_rows("model_recognition", [row], replace=True)
        audit.record(
            "model_recognition",
            username=user.username,
            role=user.role,
            target=f"{unit_code}|{model_key}",
            before=_audit_value(before),
            after=_audit_value(after),
            tx=tx,
        )
    return True


# --- the register as CSV (Xuất dữ liệu, Dân vận khéo) ---------------------------------------

MODELS_CSV_COLUMNS = (
    "Mã đơn vị",
    "Đơn vị",
    "Tên mô hình",
    "Lĩnh vực",
    "Nội dung, cách thức thực hiện",
    "Thời gian thực hiện",
    "Sản phẩm, kết quả",
    "Trạng thái",
    "Đăng ký từ tuần",
    "Kỳ báo cáo",
    "Loại",  # the Office's record (record_recognition), after the unit's columns
    "Quyết định công nhận",
    "Gửi Sở Nội vụ",
)


# Column widths of the register in a workbook (the annex's Phụ lục IV), MODELS_CSV_COLUMNS' order.
WIDTHS = (10, 26, 30, 20, 40, 16, 30, 16, 11, 11, 11, 22, 16)


def models_frame(path: Path | None = None, *, year: int, week: str | None = None) -> pd.DataFrame:
    return frame_of(register(path, year=year, week=week))


def frame_of(r: pd.DataFrame) -> pd.DataFrame:
    """A register (`register()`) as the models export's table, MODELS_CSV_COLUMNS."""
    return pd.DataFrame(
        {
            "Mã đơn vị": r["unit_code"],
            "Đơn vị": r["unit_name"],
            "Tên mô hình": r["name"],
            "Lĩnh vực": r["field"],
            "Nội dung, cách thức thực hiện": r["content"],
            "Thời gian thực hiện": r["timeframe"],
            "Sản phẩm, kết quả": r["outcome"],
            "Trạng thái": r["status"],
            "Đăng ký từ tuần": r["first_period"],
            "Kỳ báo cáo": r["period"],
            "Loại": r["kind"],
            "Quyết định công nhận": [
                decision_text(n, d)
                for n, d in zip(r["decision_no"], r["decision_date"], strict=True)
            ],
            "Gửi Sở Nội vụ": [
                sent_text(s, d) for s, d in zip(r["sent_to_snv"], r["sent_date"], strict=True)
            ],
        },
        columns=list(MODELS_CSV_COLUMNS),
    )


def models_csv(path: Path | None = None, *, year: int, week: str | None = None) -> bytes:
    """The Dân vận khéo register of the plan year `year` as CSV (the scores CSV's rules); as of
    ISO `week` (of that year) when given (the export of a week)."""
    return frame_csv(models_frame(path, year=year, week=week), float_format="%.1f")
