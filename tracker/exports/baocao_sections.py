"""The Báo cáo's sections after the tasks (2. Chỉ số to IV. Đề xuất, kiến nghị) and `draft`, which
assembles every part of the body for the template (baocao.py). Sentences over `Figures`, in the
rules of baocao_text.py: a count of nothing is "chưa có …", a task is named beside its code, a
place for the Office's own words is a highlighted "[HCTC …]" slot.
"""

from __future__ import annotations

import pandas as pd

from tracker.catalogue import periods
from tracker.exports import baocao_results as said
from tracker.exports.baocao_figures import Figures, accounting
from tracker.exports.baocao_text import (
    BEHIND,
    GOOD,
    Para,
    check,
    count,
    join,
    named_tasks,
    opening,
    overview,
    sentence,
    slot,
    task_rows,
    tasks,
    week_of,
)
from tracker.exports.tables import KIND_LABELS
from tracker.metrics import difficulties, models_register, progress
from tracker.text import fmt_number, is_missing, key, nfc

PROPOSALS = 3  # proposals quoted in the body, those shared by most units first
THEMES = 3  # tasks named with their count of open difficulties, the most first
LATE_NAMED = 3  # units most often late or missing named in the body
MODEL_MEASURE = "mô hình"  # an indicator in this measure counts models, as the register does
ANNEXES = (
    "(Kèm theo Phụ lục I: Kết quả thực hiện theo nhiệm vụ; và các Phụ lục trong tệp Excel kèm "
    "theo: Phụ lục II. Kết quả của từng đơn vị; Phụ lục III. Khó khăn, vướng mắc; Phụ lục IV. Mô "
    'hình, điển hình "Dân vận khéo"; Phụ lục V. Kết quả tự chấm điểm.)'
)


def indicator_rows(ind: pd.DataFrame) -> list[dict[str, str]]:
    """Bảng 2: every indicator of the catalogue (empty value when no unit reported it)."""
    return [
        {
            "stt": str(i),
            "chi_so": f"{r.name} ({r.code})",
            "don_vi_tinh": r.measure,
            "cach_tinh": KIND_LABELS[r.kind],
            "gia_tri": ""
            if is_missing(r.total)
            else fmt_number(r.total, 0 if float(r.total).is_integer() else 1),
            "so_don_vi": str(int(r.units)),
        }
        for i, r in enumerate(ind.itertuples(index=False), start=1)
    ]


def indicator_notes(ind: pd.DataFrame) -> list[Para]:
    missing = ind[ind["total"].isna()]
    if missing.empty:
        return []
    if len(missing) == len(ind):
        return [Para("Trong kỳ, chưa có đơn vị nào báo cáo số liệu chỉ số.")]
    return [Para(f"Chỉ số chưa có đơn vị báo cáo trong kỳ: {join(missing['name'])}.")]


def _model_indicator(f: Figures, registered: int) -> list[Para]:
    """The indicators counting models (measure 'mô hình') beside the register: they are the
    units' own figures, so each is named as such and its gap to the register stated."""
    mine = f.indicators[(f.indicators["measure"] == MODEL_MEASURE) & f.indicators["total"].notna()]
    paras = []
    for r in mine.itertuples(index=False):
        total = round(float(r.total))
        gap = total - registered
        versus = (
            "bằng số mô hình trong danh sách đăng ký"
            if gap == 0
            else f"{'nhiều' if gap > 0 else 'ít'} hơn danh sách đăng ký {count(abs(gap), 'mô hình')}"
        )
        paras.append(
            Para(
                f"Chỉ số “{r.name}” ({r.code}, Bảng 2) là số các đơn vị tự báo: "
                f"{count(total, 'mô hình')}, {versus}."
                + ("" if gap == 0 else " " + check("đối chiếu với các đơn vị trước khi gửi."))
            )
        )
    return paras


def models(f: Figures) -> list[Para]:
    """The register as of the data week, counted by stage (the units' 'Trạng thái') and field."""
    df = f.models
    if df.empty:
        return [
            Para(
                f'Đến hết {week_of(f)}, chưa có đơn vị nào đăng ký mô hình, điển hình "Dân vận khéo".'
            )
        ]
    stages = "; ".join(
        f"{count(n, 'mô hình')} ở trạng thái “{s}”"
        for s, n in models_register.status_counts(df).items()
        if n
    )
    fields = df["field"].fillna("").replace("", "chưa ghi lĩnh vực").value_counts()
    return [
        Para(
            f"Đến hết {week_of(f)}, theo danh sách các đơn vị đăng ký (Phụ lục IV), "
            f"{count(df['unit_code'].nunique(), 'đơn vị')} có {count(len(df), 'mô hình')}, "
            f'điển hình "Dân vận khéo": {stages}. Theo lĩnh vực: '
            + ", ".join(f"{field} {n}" for field, n in fields.items())
            + "."
        ),
        *_model_indicator(f, len(df)),
    ]


def difficulty_lines(f: Figures) -> list[Para]:
    """Raised = handled + no longer raised + still open, each said (none: 'chưa có …')."""
    n = accounting(f.difficulties)
    since = f"Từ đầu năm {f.year} đến hết {week_of(f)}"
    if not n["raised"]:
        return [Para(f"{since}, các đơn vị chưa nêu khó khăn, vướng mắc nào.")]
    handled = (
        f"Lãnh đạo {f.issuer.short} đã xử lý {count(n[difficulties.HANDLED], 'khó khăn, vướng mắc')}"
        if n[difficulties.HANDLED]
        else f"Lãnh đạo {f.issuer.short} chưa đánh dấu xử lý khó khăn, vướng mắc nào"
    )
    dropped = (
        f"{count(n[difficulties.DROPPED], 'khó khăn, vướng mắc')} đơn vị không còn nêu (báo "
        "cáo gần nhất của đơn vị về nhiệm vụ đó để trống hoặc nêu nội dung khác) và chưa được "
        "đánh dấu xử lý"
        if n[difficulties.DROPPED]
        else ""
    )
    still_open = f.still_open
    by_task = still_open["task_code"].fillna("").value_counts()
    names = dict(zip(f.tasks["code"], f.tasks["short_title"], strict=True))
    themes = ", ".join(
        f"{n_} về nhiệm vụ {said.named(task, names[task])}"
        if task in names
        else f"{n_} chưa gắn nhiệm vụ"
        for task, n_ in by_task.head(THEMES).items()
    )
    remaining = (
        f"còn {count(len(still_open), 'khó khăn, vướng mắc')} chưa xử lý "
        f"({'nhiều nhất: ' if len(by_task) > THEMES else ''}{themes})"
        if len(still_open)
        else "không còn khó khăn, vướng mắc nào chưa xử lý"
    )
    return [
        Para(
            f"{since}, các đơn vị nêu {count(n['raised'], 'khó khăn, vướng mắc')}: "
            f"{join([handled, dropped, remaining])}. Danh sách và việc xử lý tại Phụ lục III."
        )
    ]


def self_scores(f: Figures) -> list[Para]:
    units = f.unit_scores
    if units.empty:
        return [Para(f"Đến hết {week_of(f)}, chưa có đơn vị nào tự chấm điểm.")]
    grades = units["grade"].value_counts().reindex(f.grades).dropna()
    ranked = units[units["rank"].notna()].sort_values("rank").head(3)
    top = join(
        (
            f"{r.unit_name} ({fmt_number(r.final_total)} điểm)"
            for r in ranked.itertuples(index=False)
        ),
        ", ",
    )
    paras = [
        Para(
            f"Đến hết {week_of(f)}, {len(units)}/{f.active_units} đơn vị đã tự chấm điểm (bảng tự "
            "chấm điểm gần nhất của mỗi đơn vị, Phụ lục V); xếp loại theo điểm cuối cùng: "
            + ", ".join(f"{count(int(n), 'đơn vị')} {g}" for g, n in grades.items())
            + (f"; điểm cao nhất: {top}" if top else "")
            + "."
        )
    ]
    vp = f.vp_score
    if vp is not None and not is_missing(vp["final_total"]):
        paras.append(
            Para(
                f"Điểm đánh giá chung của {f.issuer.short} (tổng hợp theo từng tiêu chí, từ điểm của đơn "
                f"vị phụ trách tiêu chí): {fmt_number(vp['final_total'])} điểm, xếp loại "
                f"{vp['grade']}."
            )
        )
    if f.provisional:
        paras.append(
            Para(
                check(
                    "điểm trên tính theo bộ tiêu chí tạm thời, chưa phải Phụ lục II chính thức "
                    "của Quyết định 2579/QĐ-UBND; quyết định giữ hay bỏ mục này."
                )
            )
        )
    return paras


# --- II-IV ---------------------------------------------------------------------------------------


def _weeks(r: object) -> str:
    return join(
        [
            f"{r.late} tuần trễ hạn" if r.late else "",  # type: ignore[attr-defined]
            f"{r.missing} tuần chưa nộp" if r.missing else "",  # type: ignore[attr-defined]
        ],
        ", ",
    )


def most_late(late: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The LATE_NAMED units most often late or missing, and how many others share the last
    one's count (so that naming three is never an arbitrary cut)."""
    named = late.head(LATE_NAMED)
    if named.empty:
        return named, 0
    times = late["late"] + late["missing"]
    last = int(times.iloc[len(named) - 1])
    return named, int((times.iloc[len(named) :] == last).sum())


def late_text(late: pd.DataFrame) -> str:
    named, tied = most_late(late)
    text = join(f"{r.unit_name} ({_weeks(r)})" for r in named.itertuples(index=False))
    if tied:
        last = named.iloc[-1]
        text += f"; và {count(tied, 'đơn vị')} khác cùng {int(last.late + last.missing)} tuần"
    return text


def _by_status(tc: pd.DataFrame, statuses: tuple[str, ...]) -> list[str]:
    """'2 nhiệm vụ chậm tiến độ (A (II.1.b); B (II.6))' per status that occurs."""
    return [
        f"{count(len(group), 'nhiệm vụ')} {status.lower()} ({named_tasks(group)})"
        for status in statuses
        if len(group := tc[tc["status"] == status])
    ]


def assessment(f: Figures) -> list[Para]:
    tc = f.tasks
    good = tc[tc["status"].isin(GOOD)]
    parts = [
        f"{len(good)}/{len(tc)} nhiệm vụ hoàn thành, đúng tiến độ hoặc đang thực hiện theo yêu cầu"
        if len(good)
        else "",
        *_by_status(tc, (*BEHIND, progress.NO_REPORT)),
    ]
    if not (tc["reported_units"] > 0).any():
        parts = ["chưa có đơn vị nào báo cáo tiến độ thực hiện các nhiệm vụ của Kế hoạch"]
    return [
        Para(f"Đến hết {week_of(f)}, {join(parts)}."),
        *discipline(f),
        Para(slot(f"ưu điểm, hạn chế và nguyên nhân; nhận định của Lãnh đạo {f.issuer.short}.")),
    ]


def _anyone_reported(f: Figures) -> bool:
    return not f.asked.empty and bool((f.asked["reported"] > 0).any())


def discipline(f: Figures) -> list[Para]:
    """Who reported late or not at all over the period's weeks; "đầy đủ, đúng hạn" only when
    every unit was on time every week; nothing before anyone has reported (Mục I says so)."""
    if not _anyone_reported(f):
        return []
    if f.late.empty:
        return [
            Para(
                "Các đơn vị nộp báo cáo đầy đủ, đúng hạn cả "
                f"{count(len(f.asked), 'tuần')} yêu cầu báo cáo trong kỳ."
            )
        ]
    return [
        Para(f"Đơn vị nộp báo cáo trễ hạn hoặc chưa nộp nhiều nhất trong kỳ: {late_text(f.late)}.")
    ]


def directions(f: Figures) -> list[Para]:
    tc = f.tasks
    paras = []
    behind = tc[tc["status"].isin(BEHIND)]
    if len(behind):
        paras.append(
            Para(
                f"Tập trung đẩy nhanh tiến độ {count(len(behind), 'nhiệm vụ')} "
                f"{', '.join(s.lower() for s in BEHIND if s in set(behind['status']))} nêu tại "
                "Mục II."
            )
        )
    silent = tc[tc["status"] == progress.NO_REPORT]
    if len(silent) == len(tc):
        paras.append(
            Para("Đôn đốc các đơn vị báo cáo kết quả thực hiện các nhiệm vụ của Kế hoạch.")
        )
    elif len(silent):
        paras.append(
            Para(
                f"Đôn đốc các đơn vị được giao báo cáo kết quả {count(len(silent), 'nhiệm vụ')} "
                "chưa có báo cáo nêu tại Mục II."
            )
        )
    paras.append(
        Para(
            "Tiếp tục theo dõi, đôn đốc các phòng, ban, đơn vị báo cáo định kỳ đúng hạn"
            + (
                f", nhất là: {join(most_late(f.late)[0]['unit_name'])}."
                if _anyone_reported(f) and not f.late.empty
                else "."
            )
        )
    )
    if len(f.still_open):
        paras.append(
            Para(
                f"Xem xét, xử lý dứt điểm {count(len(f.still_open), 'khó khăn, vướng mắc')} "
                "còn chờ xử lý (Phụ lục III)."
            )
        )
    paras.append(
        Para(slot(f"nhiệm vụ trọng tâm thời gian tới theo chỉ đạo của Lãnh đạo {f.issuer.short}."))
    )
    return paras


def _units_text(units: list[str], shown: int = 3) -> str:
    more = f" và {len(units) - shown} đơn vị khác" if len(units) > shown else ""
    return ", ".join(units[:shown]) + more


def _clip(text: str, limit: int = 400) -> str:
    text = " ".join(nfc(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def proposals(f: Figures) -> list[Para]:
    """The units' proposals attached to open difficulties, each text once with its units."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for r in f.still_open.itertuples(index=False):
        if is_missing(r.proposal) or not str(r.proposal).strip():
            continue
        _, units = seen.setdefault(key(r.proposal), (nfc(r.proposal), []))
        if r.unit_name not in units:
            units.append(r.unit_name)
    shared = sorted(seen.values(), key=lambda tu: -len(tu[1]))
    paras = [
        Para(f"- {sentence(_clip(t))[:-1]} ({_units_text(u)}).") for t, u in shared[:PROPOSALS]
    ]
    if len(shared) > PROPOSALS:
        paras.append(Para(f"- Và {count(len(shared) - PROPOSALS, 'đề xuất')} khác (Phụ lục III)."))
    if paras:
        paras.insert(
            0, Para("Đề xuất, kiến nghị của các đơn vị kèm theo khó khăn, vướng mắc chưa xử lý:")
        )
    elif len(f.still_open):
        paras = [
            Para("Các khó khăn, vướng mắc chưa xử lý không kèm đề xuất, kiến nghị của đơn vị.")
        ]
    paras.append(
        Para(slot(f"đề xuất, kiến nghị của {f.issuer.short} với Sở Nội vụ, UBND thành phố."))
    )
    return paras


EMPTY_PARTS = (
    "tong_quan",
    "bang_nhiem_vu",
    "nhiem_vu",
    "bang_chi_so",
    "chi_so",
    "mo_hinh",
    "kho_khan",
    "tu_cham",
    "danh_gia",
    "phuong_huong",
    "de_xuat",
)


def draft(f: Figures, citation: str = "") -> dict[str, object]:
    """Every body part of the template (lists of Para, table rows, captions), from the figures;
    before a reporting week has closed, the opening alone (`co_so_lieu` false)."""
    body: dict[str, object] = {"mo_dau": opening(f, citation), "co_so_lieu": f.started}
    if not f.started:
        captions = ("bang_nhiem_vu_tieu_de", "bang_chi_so_tieu_de", "phu_luc", "phu_luc_tuan")
        return body | {part: [] for part in EMPTY_PARTS} | dict.fromkeys(captions, "")
    return body | {
        "tong_quan": overview(f),
        "bang_nhiem_vu_tieu_de": f"Bảng 1. Tiến độ các nhiệm vụ đến hết {periods.label(f.week)}",
        "bang_nhiem_vu": task_rows(f.tasks),
        "nhiem_vu": tasks(f),
        "bang_chi_so_tieu_de": (
            f"Bảng 2. Chỉ số {f.p.dates} (cộng dồn: tổng các tuần; giá trị mới nhất: số liệu gần "
            "nhất của mỗi đơn vị)"
        ),
        "bang_chi_so": indicator_rows(f.indicators),
        "chi_so": indicator_notes(f.indicators),
        "mo_hinh": models(f),
        "kho_khan": difficulty_lines(f),
        "tu_cham": self_scores(f),
        "danh_gia": assessment(f),
        "phuong_huong": directions(f),
        "de_xuat": proposals(f),
        "phu_luc": ANNEXES,
        "phu_luc_tuan": periods.label(f.week),
    }
