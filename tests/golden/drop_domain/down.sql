-- create domain cents
CREATE DOMAIN "public"."cents" AS bigint DEFAULT 0 NOT NULL CONSTRAINT "cents_check" CHECK ("value" >= 0);
