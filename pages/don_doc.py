"""The Đôn đốc page: its scope from the shell, its body in tracker/ui/pages/don_doc.py."""

from tracker.ui import shell
from tracker.ui.pages import don_doc

don_doc.render(shell.frame("don_doc"))
