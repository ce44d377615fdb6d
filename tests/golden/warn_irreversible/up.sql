-- sql: update users set age = 1
update users set age = 1;
