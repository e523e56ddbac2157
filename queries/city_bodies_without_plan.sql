-- Active bodies with no plan of a year in the rollup (city registry, issue 34): in a new year's first weeks, the bodies that cannot yet receive their units' weekly sheets of that year (Thành phố's notice).
-- params: $year
-- grain: one row per active body without a plan of $year, in catalogue order
select
    b.code,
    b.name,
    b.kind
from body as b
where b.active
    and not exists (select 1 from rollup_year as y where y.body = b.code and y.year = $year)
order by b.sort_order, b.code
