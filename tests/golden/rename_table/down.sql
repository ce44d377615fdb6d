-- rename table members to accounts
ALTER TABLE "public"."members" RENAME TO "accounts";
-- rename table accounts to users
ALTER TABLE "public"."accounts" RENAME TO "users";
