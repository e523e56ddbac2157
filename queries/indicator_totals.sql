-- Indicator totals over the dates $date_from..$date_to (PRODUCT.md §6 "flow summed over the weeks asked for, stock the latest value"), from the standing 'Chỉ số' sheets.
-- A week belongs to the range when its Thursday falls in it (the ISO rule: a month of 2026 gets the weeks whose Thursday is in that month); "up to week W" is asked as 01/01 of W's year .. Sunday of W.
-- flow (kind 'flow'): sum of every unit's values over the weeks in the range. stock: for each unit, its latest value in a week whose Thursday is <= $date_to, of the same plan year as $date_to (carried forward, even from before $date_from, never from an earlier plan's year), summed over units.
-- total is NULL (not 0) when no unit reported the indicator in that window; units = how many units the total comes from; last_period = the latest week counted.
-- params: $date_from, $date_to
-- grain: one row per indicator, in catalogue order
with vals as (
    -- the standing values, defined once in queries/rules.sql
    select
        unit_code,
        period,
        week_start(period) + 3 as thursday,
        indicator_code,
        value
    from standing_indicator_values()
    where period <= strftime(cast($date_to as date), '%G-W%V')
),

flow as (
    select
        indicator_code,
        sum(value) as total,
        count(distinct unit_code) as units,
        max(period) as last_period
    from vals
    where thursday between cast($date_from as date) and cast($date_to as date)
    group by indicator_code
),

stock_unit as (
    select
        indicator_code,
        unit_code,
        value,
        period
    from vals
    where thursday <= cast($date_to as date)
        and period >= strftime(cast($date_to as date), '%G') || '-W01'
    qualify row_number() over (partition by indicator_code, unit_code order by period desc) = 1
),

stock as (
    select
        indicator_code,
        sum(value) as total,
        count(*) as units,
        max(period) as last_period
    from stock_unit
    group by indicator_code
)

select
    i.code,
    i.name,
    i.measure,
    i.kind,
    i.task_code,
    case when i.kind = 'flow' then f.total else s.total end as total,
    coalesce(case when i.kind = 'flow' then f.units else s.units end, 0) as units,
    case when i.kind = 'flow' then f.last_period else s.last_period end as last_period
from indicator as i
left join flow as f on i.code = f.indicator_code
left join stock as s on i.code = s.indicator_code
order by i.sort_order
