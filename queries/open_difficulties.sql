-- Open difficulties as of ISO week $week (PRODUCT.md §6): what still waits for the Office's leaders.
-- The rule is the macro open_difficulties_as_of of queries/rules.sql: sheet difficulties carried forward exactly like unit-task progress (a later report with a different text is open again, one with an empty cell closes it), app difficulties raised up to the end of $week, active units only.
-- Decision: a handling mark counts whenever it was made (this list answers "what still needs action", not a historical snapshot; the Báo cáo's snapshot of a week is difficulty_accounting.sql).
-- reported_at = upload time of the sheet row shown (sheet) or raised_at (app); period = the week of that sheet row (NULL for app).
-- params: $week
-- grain: one row per open difficulty, newest first
select *
from open_difficulties_as_of($week, null)
order by reported_at desc, source, ref
