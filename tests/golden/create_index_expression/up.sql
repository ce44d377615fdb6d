-- create index users_expr_email_idx on users
CREATE INDEX "users_expr_email_idx" ON "public"."users" (("age" + 1), "email");
