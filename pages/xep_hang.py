"""The Xếp hạng page (Sở Nội vụ): its scope from the shell, its body in tracker/ui/pages/xep_hang.py."""

from tracker.ui import shell
from tracker.ui.pages import xep_hang

xep_hang.render(shell.frame("xep_hang"))
