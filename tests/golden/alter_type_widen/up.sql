-- change type of users.email to text
ALTER TABLE "public"."users" ALTER COLUMN "email" TYPE text;
