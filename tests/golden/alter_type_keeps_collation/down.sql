-- change type of codes.label to varchar(20); change type of codes.code to text
ALTER TABLE "public"."codes" ALTER COLUMN "label" TYPE varchar(20) COLLATE "POSIX", ALTER COLUMN "code" TYPE text COLLATE "C";
