-- rename column mail of users to email
ALTER TABLE "public"."users" RENAME COLUMN "mail" TO "email";
