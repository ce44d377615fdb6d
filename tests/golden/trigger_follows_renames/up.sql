-- rename column email of users to address
ALTER TABLE "public"."users" RENAME COLUMN "email" TO "address";
-- rename table users to accounts
ALTER TABLE "public"."users" RENAME TO "accounts";
