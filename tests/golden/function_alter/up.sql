-- alter function norm_email(text)
ALTER FUNCTION "public"."norm_email"(text) STABLE STRICT LEAKPROOF PARALLEL SAFE COST 5;
-- alter function recent(integer)
ALTER FUNCTION "public"."recent"(integer) SECURITY DEFINER ROWS 50 SET "search_path" TO '';
-- alter function touch()
ALTER FUNCTION "public"."touch"() SET "statement_timeout" TO '5s' RESET "search_path";
-- alter procedure archive(integer)
ALTER PROCEDURE "public"."archive"(integer) SECURITY DEFINER SET "search_path" TO "public", "pg_temp";
-- rename function helper() to helper_v2
ALTER FUNCTION "public"."helper"() RENAME TO "helper_v2";
-- rename function slugify(text) to make_slug
ALTER FUNCTION "public"."slugify"(text) RENAME TO "make_slug";
-- rename function stamp() to stamp_row
ALTER FUNCTION "public"."stamp"() RENAME TO "stamp_row";
