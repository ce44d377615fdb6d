-- drop index docs_lower_idx
DROP INDEX "public"."docs_lower_idx";
-- drop index docs_during_idx
DROP INDEX "public"."docs_during_idx";
-- drop index docs_code_idx
DROP INDEX "public"."docs_code_idx";
-- drop index docs_created_at_idx
DROP INDEX "public"."docs_created_at_idx";
-- drop index docs_code_key2
DROP INDEX "public"."docs_code_key2";
-- drop index docs_title_body_code_idx
DROP INDEX "public"."docs_title_body_code_idx";
-- drop index docs_body_trgm
DROP INDEX "public"."docs_body_trgm";
-- drop index docs_title_idx
DROP INDEX "public"."docs_title_idx";
-- drop index docs_tags_idx
DROP INDEX "public"."docs_tags_idx";
