-- The reporting calendar of ISO week $week from the rule macros of migration 006: its deadline, when it locks for unit users, and whether it is exempt.
-- params: $week
-- grain: one row
select
    week_deadline($week) as deadline,
    week_lock_time($week) as lock_time,
    is_exempt($week) as exempt
