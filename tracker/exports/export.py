"""One entry point for every export, shared by the Xuất dữ liệu page and `python -m tracker export`:
the kinds, their file names, and `build` / `download` (PRODUCT.md §8).

The CSV exports live in tables.py, the report workbook in report.py, the Báo cáo (.docx) to Sở
Nội vụ in baocao.py, the scores and models CSVs in tracker/metrics/scoring.py; the date ranges,
presets and report periods (Nghị định 09/2019/NĐ-CP) in tracker/catalogue/periods.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tracker import roles, settings
from tracker.catalogue import periods, plans
from tracker.exports import baocao, baocao_figures, report, tables
from tracker.metrics import models_register, reporting, scoring
from tracker.roles import User

KINDS = ("summary", "detail", "indicators", "report", "scores", "models", "baocao", "phu_luc")
# The Báo cáo and its annex workbook (Phụ lục II-V) go out under the Office leader's signature.
BAOCAO_KINDS = frozenset({"baocao", "phu_luc"})
# The Báo cáo goes out under the Office leader's signature: only leaders and admins make it.
BAOCAO_ROLES = frozenset({"lanh_dao", "quan_tri"})


class ExportError(ValueError):
    """Bad export arguments; the message is Vietnamese."""


NO_ANNEX = (
    "Chưa có tuần báo cáo nào của kỳ kết thúc nên Báo cáo chưa có phụ lục số liệu; Báo cáo "
    "(.docx) nói rõ tuần báo cáo đầu tiên và hạn nộp."
)


# --- one entry point for the page and the command line -----------------------------------------


def _report_dates(
    week: str | None, period: str | None, year: Any, date_from: Any, date_to: Any
) -> tuple[date, date]:
    """The annex workbook's dates: a report period of a year, else the range or the week."""
    if period:
        return periods.period_dates(period, year, date_from, date_to)
    return periods.report_range(week, date_from, date_to)


def week_refusal(week: str, path: Path | None = None) -> str | None:
    """Why the exports as of `week` are refused (its deadline has not passed), or None."""
    if week > reporting.last_closed_week(path=path):
        return reporting.not_closed_message(week, path=path)
    return None


def data_until(start: date, end: date, path: Path | None = None) -> tuple[date | None, str]:
    """Where the data of start..end stop now (None: none of its weeks has closed) and, in
    Vietnamese, what a page says about it."""
    stop = reporting.data_end(start, end, path=path)
    if stop is None:
        title = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
        return None, reporting.nothing_closed_message(start, title, path)
    week = periods.as_of_week(stop)
    note = f"trạng thái, vướng mắc và mô hình tính đến hết {periods.label(week)}"
    if stop < end:
        note = (
            f"kỳ chưa kết thúc: số liệu đến hết {periods.label(week)}, tuần gần nhất đã hết hạn "
            "nộp báo cáo (tệp .xlsx và Báo cáo cũng dừng ở tuần này)"
        )
    return stop, note


def file_name(
    kind: str,
    week: str | None = None,
    date_from: Any = None,
    date_to: Any = None,
    *,
    period: str | None = None,
    year: Any = None,
    number: str | None = None,
    request: int | str | None = None,
    path: Path | None = None,
) -> str:
    """The file name of an export: its kind, and its week or the dates it holds (the Báo cáo's
    from the request it answers, in the database at `path`)."""
    if kind in BAOCAO_KINDS:
        request_of = baocao.request_of(request, path)
        start, end = baocao.period_dates(period, year, date_from, date_to, request_of)
        name = baocao.file_name_of if kind == "baocao" else baocao.annex_file_name_of
        return name(start, end)
    if kind == "report":
        start, end = _report_dates(week, period, year, date_from, date_to)
        end = reporting.data_end(start, end, path=path) or end  # the dates the workbook holds
        return f"bao-cao-tong-hop_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    if kind == "indicators" and (date_from or date_to):
        start, end = periods.date_range(None, date_from, date_to)
        return f"chi-so_{start:%Y%m%d}-{end:%Y%m%d}.csv"
    names = {
        "summary": "tong-hop",
        "detail": "chi-tiet",
        "indicators": "chi-so",
        "scores": "diem",
        "models": "dan-van-kheo",
    }
    return f"{names[kind]}_{week}.csv" if week else f"{names[kind]}.csv"


def build(
    kind: str,
    *,
    week: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    period: str | None = None,
    year: str | int | None = None,
    number: str | None = None,
    request: int | str | None = None,
    path: Path | None = None,
) -> bytes:
    """The bytes of one export; the page and `python -m tracker export` both call this.

    `period` and `year` (a report period of Nghị định 09/2019) choose the dates of the report
    workbook and the Báo cáo; `number` is the Báo cáo's số (blank: the văn thư writes it);
    `request` is the id of the request from Sở Nội vụ it answers (its kỳ số liệu when no dates
    are given, cited in the opening).
    """
    if kind in ("summary", "detail", "scores") and not week:
        raise ExportError(f"Cần chọn tuần (--week), ví dụ {periods.example_week()}.")
    if week:
        periods.parse_week_id(week)
        if refusal := week_refusal(week, path):
            raise ExportError(refusal)
    match kind:
        case "summary":
            return tables.summary_csv(week, path)
        case "detail":
            return tables.detail_csv(week, path)
        case "indicators":
            return tables.indicators_csv(week, date_from, date_to, path)
        case "report":
            start, end = _report_dates(week, period, year, date_from, date_to)
            data_end = reporting.data_end(start, end, path=path)
            if data_end is None:
                title = periods.period_title(period, year, start, end)
                raise ExportError(reporting.nothing_closed_message(start, title, path))
            return report.report_xlsx(start, data_end, path=path)
        case "baocao" | "phu_luc":
            docx, xlsx = baocao_files(
                period=period,
                year=year,
                date_from=date_from,
                date_to=date_to,
                number=number,
                request=request,
                path=path,
                parts=(kind,),
            )
            if kind == "phu_luc" and not xlsx:
                raise ExportError(NO_ANNEX)
            return docx or xlsx
        case "scores":
            return scoring.scores_csv(week, path, as_of=True)
        case "models":
            if not week and not year:
                raise ExportError("Cần chọn tuần (--week) hoặc năm của Kế hoạch (--year).")
            plan_year = plans.of_week(week) if week else int(year)  # type: ignore[arg-type]
            return models_register.models_csv(path, year=plan_year, week=week)
    raise ExportError(f"Loại dữ liệu xuất '{kind}' không hợp lệ; chọn: {', '.join(KINDS)}.")


def baocao_files(
    *,
    period: str | None = None,
    year: str | int | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    number: str | None = None,
    request: int | str | None = None,
    path: Path | None = None,
    parts: tuple[str, ...] = ("baocao", "phu_luc"),
) -> tuple[bytes, bytes]:
    """The Báo cáo (.docx) and its annex workbook (Phụ lục II-V, .xlsx) from one reading of the
    figures; a part not asked for comes back empty, and so does the workbook before any
    reporting week has closed (the Báo cáo then says so and has no annex)."""
    docx, xlsx, _ = baocao_bundle(
        period=period,
        year=year,
        date_from=date_from,
        date_to=date_to,
        number=number,
        request=request,
        path=path,
        parts=parts,
    )
    return docx, xlsx


def baocao_bundle(
    *,
    period: str | None = None,
    year: str | int | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    number: str | None = None,
    request: int | str | None = None,
    path: Path | None = None,
    parts: tuple[str, ...] = ("baocao", "phu_luc"),
) -> tuple[bytes, bytes, baocao_figures.Figures]:
    """baocao_files() and the figures both were made from (a body's Báo cáo frozen for Sở Nội
    vụ, issue 34, keeps both)."""
    asked = baocao.request_of(request, path)
    p = baocao.period_of(period, year, date_from, date_to, asked, path=path)
    figures = baocao_figures.gather(p, path)
    now = settings.now()
    docx = (
        baocao.report_docx(p, number=number, now=now, path=path, request=asked, figures=figures)
        if "baocao" in parts
        else b""
    )
    xlsx = (
        baocao.annex_xlsx(p, number=number, now=now, path=path, figures=figures)
        if "phu_luc" in parts and figures.started
        else b""
    )
    return docx, xlsx, figures


def download(user: User | None, kind: str, *, path: Path | None = None, **options: Any) -> bytes:
    """An export of the database at `path` for a signed-in user (every role may export;
    refused when not signed in); the Báo cáo only for leaders and admins."""
    roles.require(user, "export")
    if kind in BAOCAO_KINDS and user is not None and user.role not in BAOCAO_ROLES:
        raise roles.PermissionDenied(
            "Chỉ tài khoản Lãnh đạo hoặc Quản trị được tạo Báo cáo gửi Sở Nội vụ."
        )
    return build(kind, path=path, **options)
