-- The "Dân vận khéo" models of a unit's latest accepted models sheet for a week up to $week.
-- params: $unit, $week
-- grain: one row per model row of that sheet, in sheet order
with latest as (
    select submission_id
    from current_sheet
    where unit_code = $unit
        and sheet = 'models'
        and period <= $week
    order by period desc
    limit 1
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
