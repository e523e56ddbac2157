-- The plan's sections (II, III) and numbered items (II.1 … III.2) with their headings, in plan
-- order (data/task_groups.csv). heading is '' when the item has none of its own (the item is
-- itself a task). level: 1 = section, 2 = item; number is what the plan prints ('II.' / '1.').
-- params: (none)
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
order by sort_order
