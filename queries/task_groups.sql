-- The sections (II, III) and numbered items (II.1 … III.2) of the plan of year $year with their
-- headings, in plan order (data/task_groups.csv for the first plan). heading is '' when the item has none of its own (the item is
-- itself a task). level: 1 = section, 2 = item; number is what the plan prints ('II.' / '1.').
-- params: $year
-- grain: one row per group
select
    code,
    coalesce(heading, '') as heading,
    case when contains(code, '.') then 2 else 1 end as level,
    case
        when contains(code, '.') then split_part(code, '.', 2) || '.'
        else code || '.'
    end as number,
    sort_order
from task_group
where plan_year = $year
order by sort_order
