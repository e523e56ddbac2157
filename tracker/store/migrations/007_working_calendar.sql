-- 007: the working-day calendar (issue 15). A deadline that falls on a day off moves to the next
-- working day at the same hour (Bộ luật Dân sự 2015, Điều 148 khoản 5); a week with no working
-- day expects no report. The days come from the `holidays` package plus the Office's overrides
-- (data/calendar.csv); tracker/catalogue/workdays.py computes calendar_day and calendar_week from
-- them whenever the catalogues or the overrides are loaded or edited.

-- The Office's additions and removals: 'nghi' = a day off added (nghỉ bù), 'lam_viec' = a working
-- day added (làm việc bù, usually a Saturday), each with its reason.
create table calendar_override (
    day date primary key,
    kind varchar not null check (kind in ('nghi', 'lam_viec')),
    reason varchar not null,
    sort_order integer not null
);

-- One row per day of the years the plan spans (and around them): whether it is a working day,
-- the first working day on or after it (NULL past the table's last working day), and why it is
-- off or worked (holiday name or override reason; NULL on an ordinary weekday or weekend).
create table calendar_day (
    day date primary key,
    working boolean not null,
    next_working date,
    reason varchar
);

-- One row per ISO week whose seven days are all in calendar_day: its working days and, when it
-- has none, why (e.g. 'Tết Nguyên Đán').
create table calendar_week (
    week varchar primary key,
    working_days integer not null,
    reason varchar
);

-- deadline_day(w): the nominal deadline day of week w, week_start(w) + (setting deadline_weekday
-- - 1) days (default Friday).
create macro deadline_day(w) as
    week_start(w) + (coalesce(try_cast(setting_value('deadline_weekday') as integer), 5) - 1);

-- week_deadline(w): the reporting deadline of week w: deadline_day(w) moved to the first working
-- day on or after it, at setting deadline_time (default 16:30). Outside the calendar's years the
-- nominal day stands. An upload at the deadline is on time. week_lock_time (006) follows it.
-- (One subquery joining the nominal day to calendar_day: measured 5x faster to plan than a
-- lookup with deadline_day(w) written twice, which matters in week_calendar.sql.)
create or replace macro week_deadline(w) as
    (
        select coalesce(c.next_working, n.day)
        from (select deadline_day(w) as day) as n
        left join calendar_day as c on n.day = c.day
    )
    + coalesce(try_cast(setting_value('deadline_time') as time), time '16:30');

-- is_exempt(w): no report is expected for week w: it is listed in setting exempt_weeks, or it
-- has no working day at all (calendar_week). expects_report (006) follows it.
create or replace macro is_exempt(w) as
    list_contains(exempt_weeks(), w)
    or coalesce((select c.working_days = 0 from calendar_week as c where c.week = w), false);
