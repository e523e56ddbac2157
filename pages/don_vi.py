"""The Đơn vị page: its scope from the shell, its body in tracker/ui/pages/don_vi.py."""

from tracker.ui import shell
from tracker.ui.pages import don_vi

don_vi.render(shell.frame("don_vi"))
