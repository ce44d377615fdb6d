-- create extension pg_trgm
CREATE EXTENSION "pg_trgm" SCHEMA "public";
-- create extension citext
CREATE EXTENSION "citext" SCHEMA "public";
