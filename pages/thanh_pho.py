"""The Thành phố page (Sở Nội vụ): its scope from the shell, its body in tracker/ui/pages/thanh_pho.py."""

from tracker.ui import shell
from tracker.ui.pages import thanh_pho

thanh_pho.render(shell.frame("thanh_pho"))
