-- create procedure archive_old(integer)
CREATE PROCEDURE "public"."archive_old"("days" integer) LANGUAGE "sql" AS $$ delete from events where at < now() - make_interval(days => days) $$;
-- create function pick(integer)
CREATE FUNCTION "public"."pick"("a" integer) RETURNS integer LANGUAGE "sql" AS $$ select a $$;
-- create function normalize_email(text)
CREATE FUNCTION "public"."normalize_email"("e" text) RETURNS text LANGUAGE "sql" IMMUTABLE AS $$ select lower(e) $$;
