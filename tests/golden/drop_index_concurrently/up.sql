-- drop index users_email_idx
DROP INDEX CONCURRENTLY "public"."users_email_idx";
