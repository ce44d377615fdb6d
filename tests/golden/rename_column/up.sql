-- rename column email of users to email_address
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "email_address";
