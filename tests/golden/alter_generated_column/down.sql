-- drop column code from items; add column total to items
ALTER TABLE "public"."items" DROP COLUMN "code", ADD COLUMN "total" numeric GENERATED ALWAYS AS ("price" * "quantity") STORED;
-- drop column label_lower from items
ALTER TABLE "public"."items" DROP COLUMN "label_lower";
-- rename column quantity of items to qty
ALTER TABLE "public"."items" RENAME COLUMN "quantity" TO "qty";
