-- create index users_email_idx on users
CREATE INDEX CONCURRENTLY "users_email_idx" ON "public"."users" ("email");
