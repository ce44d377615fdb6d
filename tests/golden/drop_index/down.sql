-- create index users_email_idx on users
CREATE INDEX "users_email_idx" ON "public"."users" ("email");
