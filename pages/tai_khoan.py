"""The Tài khoản page: its scope from the shell, its body in tracker/ui/pages/tai_khoan.py."""

from tracker.ui import shell
from tracker.ui.pages import tai_khoan

tai_khoan.render(shell.frame("tai_khoan"))
