-- drop index users_expr_email_idx
DROP INDEX "public"."users_expr_email_idx";
