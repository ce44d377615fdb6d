-- drop column age from users
ALTER TABLE "public"."users" DROP COLUMN "age";
