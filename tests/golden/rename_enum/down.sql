-- rename enum member_role to user_role
ALTER TYPE "public"."member_role" RENAME TO "user_role";
