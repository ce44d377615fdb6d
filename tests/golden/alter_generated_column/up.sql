-- rename column qty of items to quantity
ALTER TABLE "public"."items" RENAME COLUMN "qty" TO "quantity";
-- add column label_lower to items
ALTER TABLE "public"."items" ADD COLUMN "label_lower" text GENERATED ALWAYS AS (lower("label")) STORED;
-- drop column total from items; add column code to items
ALTER TABLE "public"."items" DROP COLUMN "total", ADD COLUMN "code" text COLLATE "POSIX" DEFAULT 'x';
