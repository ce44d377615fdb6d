-- add column email to users
ALTER TABLE "public"."users" ADD COLUMN "email" varchar(200);
-- create index users_email_idx on users
CREATE INDEX "users_email_idx" ON "public"."users" ("email");
