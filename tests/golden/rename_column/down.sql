-- rename column email_address of users to email
ALTER TABLE "public"."users" RENAME COLUMN "email_address" TO "email";
