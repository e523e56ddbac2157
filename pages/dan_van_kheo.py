"""The Dân vận khéo page: its scope from the shell, its body in tracker/ui/pages/dan_van_kheo.py."""

from tracker.ui import shell
from tracker.ui.pages import dan_van_kheo

dan_van_kheo.render(shell.frame("dan_van_kheo"))
