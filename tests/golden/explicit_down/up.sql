-- sql: create view v as select 1 as one
create view v as select 1 as one;
