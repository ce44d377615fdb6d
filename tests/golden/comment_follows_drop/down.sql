-- create table users
CREATE TABLE "public"."users" (
  "id" bigint NOT NULL,
  "feeling" "public"."mood",
  CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
-- comment on table users
COMMENT ON TABLE "public"."users" IS 'People who can sign in';
-- comment on column users.id
COMMENT ON COLUMN "public"."users"."id" IS 'It''s the key';
-- add column email to users
ALTER TABLE "public"."users" ADD COLUMN "email" text;
-- create index users_email_idx on users
CREATE INDEX "users_email_idx" ON "public"."users" ("email");
-- comment on index users_email_idx
COMMENT ON INDEX "public"."users_email_idx" IS 'Lookup by email';
-- comment on column users.email
COMMENT ON COLUMN "public"."users"."email" IS 'Always lower case';
