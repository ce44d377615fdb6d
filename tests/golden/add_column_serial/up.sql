-- add column n to users
CREATE SEQUENCE "public"."users_n_seq" AS bigint;
-- add column n to users
ALTER TABLE "public"."users" ADD COLUMN "n" bigint NOT NULL DEFAULT nextval('"public"."users_n_seq"'::regclass);
-- add column n to users
ALTER SEQUENCE "public"."users_n_seq" OWNED BY "public"."users"."n";
