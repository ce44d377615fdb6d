-- rename table people to users
ALTER TABLE "public"."people" RENAME TO "users";
