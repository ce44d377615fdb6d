-- rename table users to accounts
ALTER TABLE "public"."users" RENAME TO "accounts";
-- rename table accounts to members
ALTER TABLE "public"."accounts" RENAME TO "members";
