-- create function touch_updated_at()
CREATE FUNCTION "public"."touch_updated_at"() RETURNS trigger LANGUAGE "plpgsql" AS $fn$
begin
  new.updated_at := now();
  return new;
end
$fn$;
-- create function normalize_email(text)
CREATE OR REPLACE FUNCTION "public"."normalize_email"("e" text) RETURNS text LANGUAGE "sql" IMMUTABLE STRICT AS $$ select lower(trim(e)) $$;
-- create procedure archive_old(integer)
CREATE PROCEDURE "public"."archive_old"("days" integer) LANGUAGE "sql" AS $$ delete from events where at < now() - make_interval(days => days) $$;
-- create function add(integer, integer)
CREATE FUNCTION "public"."add"("a" integer, "b" integer DEFAULT 1) RETURNS integer LANGUAGE "sql" IMMUTABLE PARALLEL SAFE AS $$select a + b$$;
-- create function recent(timestamp with time zone)
CREATE FUNCTION "public"."recent"("since" timestamptz) RETURNS SETOF "public"."events" LANGUAGE "sql" STABLE AS $$ select * from events where at > since $$;
-- create function kinds()
CREATE FUNCTION "public"."kinds"() RETURNS TABLE("kind" text, "n" bigint) LANGUAGE "sql" STABLE AS $$ select kind, count(*) from events group by kind $$;
-- create function stats()
CREATE FUNCTION "public"."stats"(OUT "total" bigint, OUT "latest" timestamptz) LANGUAGE "sql" STABLE AS $$ select count(*), max(at) from events $$;
-- create function noop()
CREATE FUNCTION "public"."noop"() RETURNS void LANGUAGE "plpgsql" SECURITY DEFINER AS $$ begin end $$;
-- create function concat_all(text[])
CREATE FUNCTION "public"."concat_all"(VARIADIC "parts" text[]) RETURNS text LANGUAGE "sql" IMMUTABLE AS $$ select array_to_string(parts, '') $$;
-- create function whoami()
CREATE FUNCTION "public"."whoami"() RETURNS text LANGUAGE "sql" STABLE STRICT SECURITY DEFINER SET "search_path" TO "public", "pg_temp" AS $$ select current_user::text $$;
-- create function tz_now()
CREATE FUNCTION "public"."tz_now"() RETURNS timestamptz LANGUAGE "sql" STABLE SET "timezone" TO 'UTC' AS $$ select now() $$;
