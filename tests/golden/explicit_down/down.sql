-- sql: drop view v
drop view v;
