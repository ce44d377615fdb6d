-- drop extension citext
DROP EXTENSION "citext";
-- drop extension pg_trgm
DROP EXTENSION "pg_trgm";
