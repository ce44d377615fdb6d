-- drop index users_lower_email
DROP INDEX "public"."users_lower_email";
