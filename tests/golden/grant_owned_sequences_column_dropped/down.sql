-- add column m to docs
CREATE SEQUENCE "public"."docs_m_seq" AS integer;
-- add column m to docs
ALTER TABLE "public"."docs" ADD COLUMN "m" integer NOT NULL DEFAULT nextval('"public"."docs_m_seq"'::regclass);
-- add column m to docs
ALTER SEQUENCE "public"."docs_m_seq" OWNED BY "public"."docs"."m";
-- grant on sequence docs_m_seq
GRANT SELECT, UPDATE ON SEQUENCE "public"."docs_m_seq" TO "migc_golden_goscd_app";
-- add column n to docs
ALTER TABLE "public"."docs" ADD COLUMN "n" bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "public"."docs_n_seq") NOT NULL;
-- grant on sequence docs_n_seq
GRANT USAGE ON SEQUENCE "public"."docs_n_seq" TO "migc_golden_goscd_app";
