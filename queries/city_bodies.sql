-- The body catalogue of the city registry (issue 34): every body (cơ quan) in catalogue order, inactive ones included, with its kind and whether it is the home body (TRACKER_DB's file) or sample data.
-- params: (none)
-- grain: one row per body
select code, name, kind, active, sort_order, sample, home, coalesce(note, '') as note
from body
order by sort_order, code
