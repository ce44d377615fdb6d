-- drop index users_age_idx
DROP INDEX CONCURRENTLY "public"."users_age_idx";
