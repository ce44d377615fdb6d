-- create type place
CREATE TYPE "public"."place" AS ("street" text, "city" text);
-- comment on composite place
COMMENT ON TYPE "public"."place" IS 'a place';
-- create domain email_address
CREATE DOMAIN "public"."email_address" AS text;
-- comment on domain email_address
COMMENT ON DOMAIN "public"."email_address" IS 'an address';
-- create sequence invoice_number
CREATE SEQUENCE "public"."invoice_number";
-- comment on sequence invoice_number
COMMENT ON SEQUENCE "public"."invoice_number" IS 'numbers';
-- rename index users_by_n to users_n_idx
ALTER INDEX "public"."users_by_n" RENAME TO "users_n_idx";
-- rename type place to address
ALTER TYPE "public"."place" RENAME TO "address";
-- rename domain email_address to email
ALTER DOMAIN "public"."email_address" RENAME TO "email";
-- rename sequence invoice_number to invoice_no
ALTER SEQUENCE "public"."invoice_number" RENAME TO "invoice_no";
