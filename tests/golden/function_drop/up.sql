-- drop function normalize_email(text)
DROP FUNCTION "public"."normalize_email"(text);
-- drop function pick(integer)
DROP FUNCTION "public"."pick"(integer);
-- drop procedure archive_old(integer)
DROP PROCEDURE "public"."archive_old"(integer);
