"""The Nhiệm vụ page: its scope from the shell, its body in tracker/ui/pages/nhiem_vu.py."""

from tracker.ui import shell
from tracker.ui.pages import nhiem_vu

nhiem_vu.render(shell.frame("nhiem_vu"))
