-- sql: create view adults as select * from users where age >= 18
create view adults as select * from users where age >= 18;
