-- create unique index users_lower_email on users
CREATE UNIQUE INDEX "users_lower_email" ON "public"."users" (lower("email"));
