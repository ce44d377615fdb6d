-- drop column bio from users
ALTER TABLE "public"."users" DROP COLUMN "bio";
-- sql: select 1
select 1;
