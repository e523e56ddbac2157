-- 015: a body's side of the city (issue 34). Every body (the Office, each sở, ban, ngành and each
-- xã, phường) has a database file of its own with this schema; the city registry (a file of its
-- own, tracker/store/city_migrations) lists them.
--
-- * task.city_item: the item of the city's Kế hoạch 52 the task carries out (city_item.code of
--   the plan's year in the registry); NULL when not mapped yet. The Office's existing database
--   gets it from data/tasks.csv when the registry first registers it as body VPUB
--   (catalogues.map_city_items); nothing else changes.
-- * escalation: a difficulty the body's leaders or administrator send up to Sở Nội vụ (the city
--   rollup lists the ones still open). It names the difficulty as open_difficulties does
--   (source 'sheet' with ref 'UNIT|TASK' and the exact text, or source 'app' with the id), so a
--   new text in a later sheet is a new difficulty, not this one.

alter table task add column city_item varchar;

create sequence escalation_id_seq;
create table escalation (
    id integer primary key default nextval('escalation_id_seq'),
    plan_year integer not null,
    source varchar not null check (source in ('sheet', 'app')),
    ref varchar not null,
    content varchar not null,
    unit_code varchar,
    task_code varchar,
    note varchar,
    escalated_at timestamp not null,
    escalated_by varchar not null,
    withdrawn_at timestamp,
    withdrawn_by varchar
);
