"""The Vướng mắc page: its scope from the shell, its body in tracker/ui/pages/vuong_mac.py."""

from tracker.ui import shell
from tracker.ui.pages import vuong_mac

vuong_mac.render(shell.frame("vuong_mac"))
