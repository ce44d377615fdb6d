-- drop constraint t_pkey from t
ALTER TABLE "public"."t" DROP CONSTRAINT "t_pkey";
-- drop not null on t.a
ALTER TABLE "public"."t" ALTER COLUMN "a" DROP NOT NULL;
