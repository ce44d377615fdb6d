-- comment on table users
COMMENT ON TABLE "public"."users" IS NULL;
-- comment on column users.email
COMMENT ON COLUMN "public"."users"."email" IS 'Lower case, trimmed';
-- rename column email of users to mail
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "mail";
