-- rename table accounts to users
ALTER TABLE "public"."accounts" RENAME TO "users";
