"""The Quản trị page: its scope from the shell, its body in tracker/ui/pages/quan_tri.py."""

from tracker.ui import shell
from tracker.ui.pages import quan_tri

quan_tri.render(shell.frame("quan_tri"))
