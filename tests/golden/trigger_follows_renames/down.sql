-- rename table accounts to users
ALTER TABLE "public"."accounts" RENAME TO "users";
-- rename column address of users to email
ALTER TABLE "public"."users" RENAME COLUMN "address" TO "email";
