-- change type of t.code to integer
ALTER TABLE "public"."t" ALTER COLUMN "code" TYPE integer USING "code"::int;
