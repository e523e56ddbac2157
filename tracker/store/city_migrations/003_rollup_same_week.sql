-- 003: Thành phố compares the chosen year with the year before at the same point (the same ISO
-- week number), never a full past year with a partial current one. A body's rollup now keeps
-- its plan completion per week (rollup_week.plan_completion: the body's plan_trend, what its
-- Tổng quan draws), and rollup_score the body's own self-score as of a week of a year other
-- than its data week: the week of last year matching this year's data week
-- (year_over_year.same_week_last_year). Every body's rollup is recomputed at the next refresh.

alter table rollup_week add column plan_completion double;

create table rollup_score (
    body varchar not null,
    year integer not null,
    week varchar not null,
    self_score double,
    primary key (body, year, week)
);

update rollup_body set data_stamp = -1;
