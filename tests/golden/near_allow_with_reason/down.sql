-- drop index users_age_idx
DROP INDEX "public"."users_age_idx";
