-- comment on schema public
COMMENT ON SCHEMA "public" IS 'standard public schema';
-- comment on schema app
COMMENT ON SCHEMA "app" IS NULL;
