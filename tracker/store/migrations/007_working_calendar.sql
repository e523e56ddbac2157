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

-- (Its macros and views: queries/rules.sql since migration 011.)
