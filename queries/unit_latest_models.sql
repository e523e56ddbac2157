-- The "Dân vận khéo" models of a unit's latest accepted models sheet for a week up to $week of $week's year (the latest_models_sheet macro, queries/rules.sql).
-- params: $unit, $week
-- grain: one row per model row of that sheet, in sheet order
with latest as (
    -- the latest-sheet rule, defined once in queries/rules.sql
    select submission_id
    from latest_models_sheet($week)
    where unit_code = $unit
)

select
    m.name,
    m.field,
    m.content,
    m.timeframe,
    m.outcome,
    m.status
from model_row as m
inner join latest as l on m.submission_id = l.submission_id
order by m.row_no
