-- Progress of each item of the city's Kế hoạch 52 for year $year across the bodies that carry it out (city registry, issue 34): how many active bodies have tasks naming the item, and the mean, lowest and highest of their completion of it (each body's completion of an item is the weighted mean of its tasks naming it, as of the body's data week: queries/completion_by_city_item.sql).
-- Tasks naming no item of the year's list come last, as city_item '' (not in the list).
-- params: $year
-- grain: one row per item of the year's list, in order, plus one row for tasks naming no listed item when there are any
with carried as (
    select r.body, case when i.code is null then '' else r.city_item end as city_item, r.tasks, r.completion
    from rollup_item as r
    inner join body as b on b.code = r.body and b.active
    left join city_item as i on i.year = r.year and i.code = r.city_item
    where r.year = $year
),

per_item as (
    select
        city_item,
        count(distinct body) as bodies,
        sum(tasks) as tasks,
        avg(completion) as mean_completion,
        min(completion) as min_completion,
        max(completion) as max_completion
    from carried
    group by city_item
)

select
    i.code as city_item,
    i.title,
    i.sort_order,
    coalesce(p.bodies, 0) as bodies,
    coalesce(p.tasks, 0) as tasks,
    p.mean_completion,
    p.min_completion,
    p.max_completion
from city_item as i
left join per_item as p on p.city_item = i.code
where i.year = $year
union all
select '', 'Nhiệm vụ không thuộc mục nào của Kế hoạch thành phố', 1000000, bodies, tasks, mean_completion, min_completion, max_completion
from per_item
where city_item = ''
order by sort_order
