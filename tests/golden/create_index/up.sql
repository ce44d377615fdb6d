-- create index users_lower_idx on users
CREATE INDEX "users_lower_idx" ON "public"."users" (lower("email"));
