-- sql: drop view adults
drop view adults;
