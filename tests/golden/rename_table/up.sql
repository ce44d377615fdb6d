-- rename table users to accounts
ALTER TABLE "public"."users" RENAME TO "accounts";
