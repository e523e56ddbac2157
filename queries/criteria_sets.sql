-- Every criteria set ever loaded (versions) with the plan it belongs to, newest first, with its size and how many standing
-- score sheets were given under it.
-- params: (none)
-- grain: one row per criteria set
select
    cs.id,
    cs.plan_year,
    cs.label,
    cs.source,
    cs.provisional,
    cs.active,
    cs.loaded_at,
    cs.loaded_by,
    (select count(*) from criterion as c where c.set_id = cs.id) as criteria,
    (
        select coalesce(sum(c.max_points), 0) from criterion as c
        where c.set_id = cs.id and c.kind = 'ordinary'
    ) as ordinary_points,
    (
        select count(*) from current_sheet as cur
        inner join submission as s on cur.submission_id = s.id
        where cur.sheet = 'scores' and s.criteria_set_id = cs.id
    ) as score_sheets
from criteria_set as cs
order by cs.id desc
