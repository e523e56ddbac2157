-- 002: an escalated difficulty's task is shown on Thành phố with its short title, not its code
-- alone (a body's task codes mean nothing outside it). rollup_escalation keeps the title the
-- body's file gives (escalated_difficulties.sql); every body's rollup is recomputed at the next
-- refresh (rollup.refresh_stale: no recorded stamp matches -1), which fills it in.

alter table rollup_escalation add column task_title varchar;
update rollup_body set data_stamp = -1;
