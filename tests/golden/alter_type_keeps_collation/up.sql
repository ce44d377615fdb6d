-- change type of codes.code to integer; change type of codes.label to text
ALTER TABLE "public"."codes" ALTER COLUMN "code" TYPE integer USING "code"::int, ALTER COLUMN "label" TYPE text COLLATE "POSIX";
