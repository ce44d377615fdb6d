-- create schema app
CREATE SCHEMA "app";
-- grant on schema app
GRANT CREATE, USAGE ON SCHEMA "app" TO "migc_golden_schema_user";
