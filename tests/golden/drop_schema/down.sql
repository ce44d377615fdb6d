-- create schema app
CREATE SCHEMA "app";
