-- rename sequence invoice_no to invoice_number
ALTER SEQUENCE "public"."invoice_no" RENAME TO "invoice_number";
-- rename domain email to email_address
ALTER DOMAIN "public"."email" RENAME TO "email_address";
-- rename type address to place
ALTER TYPE "public"."address" RENAME TO "place";
-- rename index users_n_idx to users_by_n
ALTER INDEX "public"."users_n_idx" RENAME TO "users_by_n";
-- drop sequence invoice_number
DROP SEQUENCE "public"."invoice_number";
-- drop domain email_address
DROP DOMAIN "public"."email_address";
-- drop type place
DROP TYPE "public"."place";
