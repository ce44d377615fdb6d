-- create index users_age_idx on users
CREATE INDEX "users_age_idx" ON "public"."users" ("age");
