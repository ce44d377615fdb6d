-- change type of t.u to integer
ALTER TABLE "public"."t" ALTER COLUMN "u" TYPE integer USING 0;
