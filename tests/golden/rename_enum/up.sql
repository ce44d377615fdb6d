-- rename enum user_role to member_role
ALTER TYPE "public"."user_role" RENAME TO "member_role";
