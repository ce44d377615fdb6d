-- drop column email from users
ALTER TABLE "public"."users" DROP COLUMN "email";
-- drop table users
DROP TABLE "public"."users";
