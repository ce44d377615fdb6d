-- rename table users to people
ALTER TABLE "public"."users" RENAME TO "people";
