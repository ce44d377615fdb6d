-- change type of t.phone to text
ALTER TABLE "public"."t" ALTER COLUMN "phone" TYPE text;
-- change type of t.note to text; set default of t.note
ALTER TABLE "public"."t" ALTER COLUMN "note" TYPE text, ALTER COLUMN "note" SET DEFAULT 'n/a';
