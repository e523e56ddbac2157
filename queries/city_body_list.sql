-- The body catalogue with what the rollup knows of each body (city registry, issue 34): active units and the years it has a plan for (`python -m tracker body list`).
-- params: (none)
-- grain: one row per body, in catalogue order
select
    b.code,
    b.name,
    b.kind,
    b.active,
    b.sample,
    b.home,
    r.units,
    (select string_agg(cast(y.year as varchar), ', ' order by y.year) from rollup_year as y where y.body = b.code) as plans
from body as b
left join rollup_body as r on r.body = b.code
order by b.sort_order, b.code
