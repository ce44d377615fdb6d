-- drop schema app
DROP SCHEMA "app";
