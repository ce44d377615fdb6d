-- drop index users_normalize_email_idx
DROP INDEX "public"."users_normalize_email_idx";
-- drop table users
DROP TABLE "public"."users";
