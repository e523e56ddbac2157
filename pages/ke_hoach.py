"""The Kế hoạch page: its scope from the shell, its body in tracker/ui/pages/ke_hoach.py."""

from tracker.ui import shell
from tracker.ui.pages import ke_hoach

ke_hoach.render(shell.frame("ke_hoach"))
