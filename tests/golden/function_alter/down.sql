-- rename function stamp_row() to stamp
ALTER FUNCTION "public"."stamp_row"() RENAME TO "stamp";
-- rename function make_slug(text) to slugify
ALTER FUNCTION "public"."make_slug"(text) RENAME TO "slugify";
-- rename function helper_v2() to helper
ALTER FUNCTION "public"."helper_v2"() RENAME TO "helper";
-- alter procedure archive(integer)
ALTER PROCEDURE "public"."archive"(integer) SECURITY INVOKER RESET "search_path";
-- alter function touch()
ALTER FUNCTION "public"."touch"() RESET ALL SET "search_path" TO "public" SET "work_mem" TO '64MB';
-- alter function recent(integer)
ALTER FUNCTION "public"."recent"(integer) SECURITY INVOKER ROWS 1000 RESET "search_path";
-- alter function norm_email(text)
ALTER FUNCTION "public"."norm_email"(text) IMMUTABLE CALLED ON NULL INPUT NOT LEAKPROOF PARALLEL UNSAFE COST 100;
