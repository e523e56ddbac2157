"""The Nộp báo cáo page: its scope from the shell, its body in tracker/ui/pages/nop_bao_cao.py."""

from tracker.ui import shell
from tracker.ui.pages import nop_bao_cao

nop_bao_cao.render(shell.frame("nop_bao_cao"))
