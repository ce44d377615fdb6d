-- create table app.items
CREATE TABLE "app"."items" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "sku" text,
  CONSTRAINT "items_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "items_sku_key" UNIQUE ("sku")
);
