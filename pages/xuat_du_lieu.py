"""The Xuất dữ liệu page: its scope from the shell, its body in tracker/ui/pages/xuat_du_lieu.py."""

from tracker.ui import shell
from tracker.ui.pages import xuat_du_lieu

xuat_du_lieu.render(shell.frame("xuat_du_lieu"))
