-- comment on index users_email_idx
COMMENT ON INDEX "public"."users_email_idx" IS NULL;
-- comment on extension citext
COMMENT ON EXTENSION "citext" IS 'data type for case-insensitive character strings';
-- comment on domain email
COMMENT ON DOMAIN "public"."email" IS 'An address';
-- comment on composite address
COMMENT ON TYPE "public"."address" IS NULL;
-- comment on domain email
COMMENT ON DOMAIN "public"."email" IS NULL;
-- comment on sequence invoice_no
COMMENT ON SEQUENCE "public"."invoice_no" IS 'old';
