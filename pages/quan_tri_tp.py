"""The Quản trị thành phố page (the city administrator): its scope from the shell, its body in tracker/ui/pages/quan_tri_tp.py."""

from tracker.ui import shell
from tracker.ui.pages import quan_tri_tp

quan_tri_tp.render(shell.frame("quan_tri_tp"))
