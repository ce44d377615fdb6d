-- rename column email of users to mail
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "mail";
