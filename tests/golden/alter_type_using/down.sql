-- change type of t.code to text
ALTER TABLE "public"."t" ALTER COLUMN "code" TYPE text;
