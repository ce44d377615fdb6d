-- comment on table users
COMMENT ON TABLE "public"."users" IS 'People who can sign in';
-- comment on column users.email
COMMENT ON COLUMN "public"."users"."email" IS 'Always lower case';
-- comment on column users.id
COMMENT ON COLUMN "public"."users"."id" IS 'It''s the key';
-- comment on index users_email_idx
COMMENT ON INDEX "public"."users_email_idx" IS 'Lookup by email';
-- comment on enum mood
COMMENT ON TYPE "public"."mood" IS 'How they feel';
