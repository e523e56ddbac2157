"""The settings of Sở Nội vụ's Báo cáo to UBND thành phố (tracker/city/baocao_tp_files.py): its
number prefix, signer and Nơi nhận, in the registry's own `setting` table (the registry runs the
body schema, so it has one; no plan settings live there). A key the table lacks reads as the
words the Báo cáo always had, so a registry made before keeps its bytes. The city administrator
edits them (`python -m tracker city-setting list|set`), each value checked by the rule a body's
report_* setting of the same key has (tracker/catalogue/setting_rules.py), each change audited.
"""

from __future__ import annotations

from pathlib import Path

from tracker.catalogue import catalogues, setting_rules
from tracker.roles import User, require
from tracker.store import audit, db

# key -> (the Báo cáo's words before these settings, what the setting is)
DEFAULTS: dict[str, tuple[str, str]] = {
    "report_number_prefix": (
        "BC-SNV",
        "Ký hiệu số của Báo cáo gửi UBND thành phố (Số: …/BC-SNV)",
    ),
    "report_signer_authority": (
        "KT. GIÁM ĐỐC",
        "Quyền hạn ký của Báo cáo gửi UBND thành phố (để trống khi Giám đốc Sở ký)",
    ),
    "report_signer_title": ("PHÓ GIÁM ĐỐC", "Chức vụ người ký Báo cáo gửi UBND thành phố"),
    "report_signer_name": (
        "",
        "Họ và tên người ký Báo cáo gửi UBND thành phố (để trống thì ghi tay khi ký)",
    ),
    "report_recipients": (
        "UBND thành phố (để báo cáo);Giám đốc Sở (để biết);Lưu: VT, XDCQ",
        "Nơi nhận của Báo cáo gửi UBND thành phố (cách nhau bởi dấu chấm phẩy)",
    ),
}


class CitySettingError(ValueError):
    """A city setting cannot be changed as asked; the message is Vietnamese."""


def values(registry: Path) -> dict[str, str]:
    """Every setting of the city's Báo cáo: the stored value, else the default."""
    out = {}
    for key, (default, _) in DEFAULTS.items():
        try:
            out[key] = catalogues.setting(key, registry)
        except KeyError:
            out[key] = default
    return out


def rows(registry: Path) -> list[tuple[str, str, str]]:
    """(key, value, description) of each setting, for the list the administrator reads."""
    now = values(registry)
    return [(key, now[key], about) for key, (_, about) in DEFAULTS.items()]


def set_value(user: User, key: str, value: str, registry: Path) -> None:
    """Change one setting (city administrator); refused with the reason when unusable."""
    require(user, "edit_city_settings")
    if key not in DEFAULTS:
        raise CitySettingError(
            f"Không có tham số '{key}' của Báo cáo gửi UBND thành phố; chọn: {', '.join(DEFAULTS)}."
        )
    value = value.strip()
    if problem := setting_rules.value_problem(key, value):
        raise CitySettingError(problem)
    before = values(registry)[key]
    with db.transaction(registry) as tx:
        tx.insert(
            "setting",
            "(key, value, description) values ($k, $v, $d)",
            {"k": key, "v": value, "d": DEFAULTS[key][1]},
            replace=True,
        )
        audit.record(
            "city_setting_edit",
            username=user.username,
            role=user.role,
            target=key,
            before=before,
            after=value,
            tx=tx,
        )
