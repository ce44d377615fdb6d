-- comment on schema app
COMMENT ON SCHEMA "app" IS 'Everything the app owns';
-- comment on schema public
COMMENT ON SCHEMA "public" IS 'Shared';
