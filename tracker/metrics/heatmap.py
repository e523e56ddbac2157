"""The unit × task progress grid of Nhiệm vụ's heatmap and its groups of units (data, no
display): above a few dozen units the heatmap shows groups of units, each cell the mean of the
values its units reported, with how many reported and are assigned (PRODUCT.md §6 coverage)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tracker.metrics import progress

GROUP_UNITS = 25  # units per row of the grouped heatmap (250 units: 10 rows)


@dataclass(frozen=True)
class Grid:
    """A unit × task heatmap's values (NaN = not reported) and where units are assigned."""

    values: pd.DataFrame
    assigned: pd.DataFrame

    @property
    def reported(self) -> int:
        """Units with at least one reported value among these tasks."""
        return int(self.values.notna().any(axis=1).sum())

    def rows(self, units: list[str]) -> Grid:
        return Grid(self.values.loc[units], self.assigned.loc[units])


@dataclass(frozen=True)
class Grouped:
    """The grouped heatmap: per group × task, the mean of the reported values and the counts."""

    mean: pd.DataFrame  # NaN where no unit of the group reported the task
    reported: pd.DataFrame  # units of the group that reported the task
    assigned: pd.DataFrame  # units of the group assigned the task


def unit_grid(
    week: str, unit: str | None, codes: tuple[str, ...], path: Path | None = None
) -> Grid:
    """The grid of `codes` (plan order) for every unit, or one, in catalogue order."""
    values = progress.heatmap_frame(week, path, unit=unit)
    if values.empty:
        return Grid(values, values)
    assigned = progress.heatmap_assigned(week, path, unit=unit)
    return Grid(values[list(codes)], assigned[list(codes)])


def groups(units: list[str], size: int = GROUP_UNITS) -> list[list[str]]:
    """Consecutive runs of `size` units in catalogue order (the last one may be shorter)."""
    return [units[i : i + size] for i in range(0, len(units), size)]


def group_label(index: int, members: list[str]) -> str:
    """'Nhóm 2: P016–P040' (catalogue order, first and last unit code): short, as a chart row."""
    return f"Nhóm {index + 1}: {members[0]}–{members[-1]}"


def grouped(full: Grid, size: int = GROUP_UNITS) -> Grouped:
    """Each group's mean of the values its units reported (not-reported cells are left out,
    as in the full heatmap where they are blank), with how many reported and are assigned."""
    members = groups(list(full.values.index), size)
    labels = [group_label(i, m) for i, m in enumerate(members)]
    key = pd.Series([labels[i] for i, m in enumerate(members) for _ in m], index=full.values.index)

    def by_group(frame: pd.DataFrame, how: str) -> pd.DataFrame:
        return getattr(frame.groupby(key, sort=False), how)().reindex(labels)

    return Grouped(
        mean=by_group(full.values, "mean"),
        reported=by_group(full.values.notna(), "sum").astype(int),
        assigned=by_group(full.assigned, "sum").astype(int),
    )
