"""Sở Nội vụ's Báo cáo to UBND thành phố takes its number prefix, signer and Nơi nhận from the
registry's settings (tracker/city/city_settings.py), the words it always had by default; the
city administrator changes them (`python -m tracker city-setting`), checked and audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.baocao_reading import paragraphs
from tests.city_fixture import CITY_NOW
from tests.test_city_shell import account
from tracker import roles
from tracker.city import baocao_tp, baocao_tp_files, city_settings, registry
from tracker.store import db
from tracker.tools import cli

pytestmark = pytest.mark.now(CITY_NOW)


def _signature(reg: Path) -> tuple[list[str], list[str]]:
    """The Báo cáo's number line, then Nơi nhận and the signer's lines."""
    lines = paragraphs(baocao_tp_files.report_docx(baocao_tp.gather(2026, "6thang", reg)))
    number = [x for x in lines if x.startswith("Số:") or x.startswith("(Kèm theo Báo cáo số")]
    at = lines.index("Nơi nhận:")
    return number, [x for x in lines[at:] if x][:8]


def test_the_defaults_are_the_words_it_always_had(city: Path) -> None:
    number, signed = _signature(registry.path())
    assert number[0].endswith("/BC-SNV")
    assert signed[:4] == [
        "Nơi nhận:",
        "- UBND thành phố (để báo cáo);",
        "- Giám đốc Sở (để biết);",
        "- Lưu: VT, XDCQ.",
    ]
    assert signed[4:6] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signed[6].startswith("[Sở Nội vụ bổ sung: họ và tên người ký")


def test_the_city_administrators_settings_show_in_the_next_report(city_rw: Path) -> None:
    reg = registry.path()
    admin = account("thanhpho.quantri")
    for key, value in {
        "report_number_prefix": "BC-SNV-XDCQ",
        "report_signer_authority": "",
        "report_signer_title": "GIÁM ĐỐC",
        "report_signer_name": "Nguyễn Văn A",
        "report_recipients": "Thường trực UBND thành phố;Lưu: VT",
    }.items():
        city_settings.set_value(admin, key, value, reg)
    number, signed = _signature(reg)
    assert number and all("/BC-SNV-XDCQ" in x for x in number)
    assert signed[:5] == [
        "Nơi nhận:",
        "- Thường trực UBND thành phố;",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
        "Nguyễn Văn A",
    ]
    logged = db.frame(
        "select target, after_value from audit_log where action = 'city_setting_edit'", path=reg
    )
    assert set(logged["target"]) == set(city_settings.DEFAULTS)


@pytest.mark.parametrize("username", ["sonoivu", "sonoivu.lanhdao"])
def test_only_the_city_administrator_changes_them(city_rw: Path, username: str) -> None:
    with pytest.raises(roles.PermissionDenied):
        city_settings.set_value(
            account(username), "report_signer_title", "GIÁM ĐỐC", registry.path()
        )
    assert roles.scope_of("edit_city_settings") == roles.CITY


def test_an_unusable_value_is_refused(city_rw: Path) -> None:
    admin = account("thanhpho.quantri")
    with pytest.raises(city_settings.CitySettingError, match="bắt đầu bằng KT"):
        city_settings.set_value(admin, "report_signer_authority", "Phó Giám đốc", registry.path())
    with pytest.raises(city_settings.CitySettingError, match="ký hiệu viết hoa"):
        city_settings.set_value(admin, "report_number_prefix", "bc snv", registry.path())
    assert city_settings.values(registry.path())["report_number_prefix"] == "BC-SNV"


def test_the_command_line_lists_and_sets(city_rw: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["city-setting", "set", "report_signer_title", "GIÁM ĐỐC"]) == 0
    assert "report_signer_title = 'GIÁM ĐỐC'" in capsys.readouterr().out
    assert cli.main(["city-setting", "set", "report_signer_authority", "Phó"]) == 1
    assert "bắt đầu bằng KT." in capsys.readouterr().err
    assert cli.main(["city-setting", "list"]) == 0
    out = capsys.readouterr().out
    assert (
        "report_signer_title = 'GIÁM ĐỐC'" in out
        and "report_signer_authority = 'KT. GIÁM ĐỐC'" in out
    )
