-- drop default of users.nickname
ALTER TABLE "public"."users" ALTER COLUMN "nickname" DROP DEFAULT;
