-- comment on sequence invoice_no
COMMENT ON SEQUENCE "public"."invoice_no" IS 'Numbers invoices';
-- comment on domain email
COMMENT ON DOMAIN "public"."email" IS 'An address';
-- comment on composite address
COMMENT ON TYPE "public"."address" IS 'Where someone lives';
-- comment on domain email
COMMENT ON DOMAIN "public"."email" IS 'Through type';
-- comment on extension citext
COMMENT ON EXTENSION "citext" IS 'case-insensitive text';
-- comment on index users_email_idx
COMMENT ON INDEX "public"."users_email_idx" IS 'lookup';
