-- The reporting calendar of ISO week $week from the rule macros (queries/rules.sql, the settings of the week's plan): its deadline (moved to the next working day when the nominal day is off), when it locks for unit users, and whether it is exempt (listed in its plan's exempt_weeks, or no working day in the week).
-- params: $week
-- grain: one row
select
    week_deadline($week) as deadline,
    week_lock_time($week) as lock_time,
    is_exempt($week) as exempt
