-- drop function tz_now()
DROP FUNCTION "public"."tz_now"();
-- drop function whoami()
DROP FUNCTION "public"."whoami"();
-- drop function concat_all(text[])
DROP FUNCTION "public"."concat_all"(text[]);
-- drop function noop()
DROP FUNCTION "public"."noop"();
-- drop function stats()
DROP FUNCTION "public"."stats"();
-- drop function kinds()
DROP FUNCTION "public"."kinds"();
-- drop function recent(timestamp with time zone)
DROP FUNCTION "public"."recent"(timestamptz);
-- drop function add(integer, integer)
DROP FUNCTION "public"."add"(integer, integer);
-- drop procedure archive_old(integer)
DROP PROCEDURE "public"."archive_old"(integer);
-- drop function normalize_email(text)
DROP FUNCTION "public"."normalize_email"(text);
-- drop function touch_updated_at()
DROP FUNCTION "public"."touch_updated_at"();
