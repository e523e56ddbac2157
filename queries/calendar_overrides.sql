-- The Office's additions to and removals from the working days (data/calendar.csv, table calendar_override of migration 007), in the file's columns: date, kind ('nghi' = day off added, 'lam_viec' = working day added), reason.
-- params: (none)
-- grain: one row per overridden day, in the order written
select
    day as date,
    kind,
    reason
from calendar_override
order by sort_order
