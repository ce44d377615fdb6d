-- replace function normalize_email(text)
CREATE OR REPLACE FUNCTION "public"."normalize_email"("e" text) RETURNS text LANGUAGE "sql" IMMUTABLE STRICT AS $$ select lower(trim(e)) $$;
