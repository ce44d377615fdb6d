-- drop default of users.age
ALTER TABLE "public"."users" ALTER COLUMN "age" DROP DEFAULT;
