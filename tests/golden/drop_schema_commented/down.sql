-- create schema app
CREATE SCHEMA "app";
-- comment on schema app
COMMENT ON SCHEMA "app" IS 'Everything the app owns';
