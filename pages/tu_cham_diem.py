"""The Tự chấm điểm page: its scope from the shell, its body in tracker/ui/pages/tu_cham_diem.py."""

from tracker.ui import shell
from tracker.ui.pages import tu_cham_diem

tu_cham_diem.render(shell.frame("tu_cham_diem"))
