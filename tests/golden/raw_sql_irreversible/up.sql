-- sql: update users set age = 0 where age is null
update users set age = 0 where age is null;
