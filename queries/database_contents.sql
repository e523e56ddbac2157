-- How much a database already holds: its submissions, its accounts, and whether sample mode is on (demo refuses to mix into real data and keeps sample data on a re-run).
-- params: (none)
-- grain: one row
select
    (select count(*) from submission) as submissions,
    (select count(*) from app_user) as accounts,
    exists (select 1 from setting where key = 'sample_mode' and value = '1') as sample_mode
