-- 016: what the store keeps about the file itself (issue 34), so that re-opening one of many
-- body files is cheap and another process can tell the data changed:
-- * rules_sha256: the SHA-256 of the queries/rules.sql whose macros and views the file holds;
--   a start with the same rules and no new migration does not define them again
--   (tracker/store/opening.py);
-- * data_stamp: bumped by every commit that writes data (not one that writes only the sign-in
--   tables); the city registry's rollup of the body records the stamp it was computed at.

create table store_meta (
    key varchar primary key,
    value varchar not null
);

insert into store_meta values ('data_stamp', '0');
