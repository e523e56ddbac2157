-- One unit's indicators (chỉ số) for the year up to ISO week $week, from its standing 'Chỉ số' sheets (current_sheet, sheet 'indicators'; a superseded version never counts), PRODUCT.md §6.
-- flow: sum of the unit's values over the weeks of $week's ISO year up to $week. stock: the value in the unit's latest such sheet of a week <= $week of the same plan year that lists the indicator (carried forward within the year; a new plan starts afresh).
-- value is NULL when the unit never reported the indicator in that window; last_period = the latest week counted.
-- params: $unit, $week
-- grain: one row per indicator of the catalogue, in catalogue order
with vals as (
    -- the standing values, defined once in queries/rules.sql
    select
        indicator_code,
        period,
        value
    from standing_indicator_values()
    where unit_code = $unit and period <= $week and period >= substr($week, 1, 4) || '-W01'
),

flow as (
    select indicator_code, sum(value) as value, max(period) as last_period
    from vals
    where substr(period, 1, 4) = substr($week, 1, 4)
    group by indicator_code
),

stock as (
    select indicator_code, value, period as last_period
    from vals
    qualify row_number() over (partition by indicator_code order by period desc) = 1
)

select
    i.code,
    i.name,
    i.measure,
    i.kind,
    i.task_code,
    case i.kind when 'flow' then f.value else s.value end as value,
    case i.kind when 'flow' then f.last_period else s.last_period end as last_period
from indicator as i
left join flow as f on i.code = f.indicator_code
left join stock as s on i.code = s.indicator_code
order by i.sort_order
