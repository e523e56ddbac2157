-- The "Dân vận khéo" register as of ISO week $week: for each unit, the rows of its latest standing 'Dân vận khéo' sheet for a week <= $week (a later sheet replaces the unit's list; units without one are absent).
-- params: $week
-- grain: one row per model row, units in catalogue order, then sheet order
with latest as (
    select
        cs.unit_code,
        cs.period,
        cs.submission_id
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    where cs.sheet = 'models' and cs.period <= $week
    qualify row_number() over (partition by cs.unit_code order by cs.period desc) = 1
)

select
    l.unit_code,
    u.name as unit_name,
    l.period,
    m.row_no,
    m.name,
    m.field,
    m.content,
    m.timeframe,
    m.outcome,
    m.status
from latest as l
inner join model_row as m on l.submission_id = m.submission_id
inner join unit as u on l.unit_code = u.code
order by u.sort_order, m.row_no
