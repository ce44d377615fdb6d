-- drop index docs_title_idx
DROP INDEX "public"."docs_title_idx";
-- drop index docs_body_idx
DROP INDEX "public"."docs_body_idx";
-- drop table docs
DROP TABLE "public"."docs";
-- drop extension citext
DROP EXTENSION "citext";
-- drop extension pg_trgm
DROP EXTENSION "pg_trgm";
