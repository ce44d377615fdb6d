-- comment on enum mood
COMMENT ON TYPE "public"."mood" IS NULL;
-- comment on index users_email_idx
COMMENT ON INDEX "public"."users_email_idx" IS NULL;
-- comment on column users.id
COMMENT ON COLUMN "public"."users"."id" IS NULL;
-- comment on column users.email
COMMENT ON COLUMN "public"."users"."email" IS NULL;
-- comment on table users
COMMENT ON TABLE "public"."users" IS NULL;
