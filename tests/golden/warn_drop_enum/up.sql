-- drop enum user_role
DROP TYPE "public"."user_role";
