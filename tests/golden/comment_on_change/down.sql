-- rename column mail of users to email
ALTER TABLE "public"."users" RENAME COLUMN "mail" TO "email";
-- comment on column users.email
COMMENT ON COLUMN "public"."users"."email" IS 'Always lower case';
-- comment on table users
COMMENT ON TABLE "public"."users" IS 'People who can sign in';
