-- drop index users_lower_idx
DROP INDEX "public"."users_lower_idx";
