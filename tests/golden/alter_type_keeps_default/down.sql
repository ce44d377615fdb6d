-- set default of t.note
ALTER TABLE "public"."t" ALTER COLUMN "note" SET DEFAULT 'none'::varchar;
-- change type of t.note to varchar(20)
ALTER TABLE "public"."t" ALTER COLUMN "note" TYPE varchar(20);
-- change type of t.phone to varchar(120)
ALTER TABLE "public"."t" ALTER COLUMN "phone" TYPE varchar(120);
