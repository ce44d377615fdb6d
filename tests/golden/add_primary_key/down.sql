-- drop constraint t_pkey from t; drop not null on t.a
ALTER TABLE "public"."t" DROP CONSTRAINT "t_pkey", ALTER COLUMN "a" DROP NOT NULL;
