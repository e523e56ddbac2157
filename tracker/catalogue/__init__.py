"""The catalogues the Office edits without a programmer: units, tasks, criteria, settings, and the reporting calendar."""
