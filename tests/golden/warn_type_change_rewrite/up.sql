-- drop constraint users_age_check from users; change type of users.age to bigint; add constraint users_age_check to users
ALTER TABLE "public"."users" DROP CONSTRAINT "users_age_check", ALTER COLUMN "age" TYPE bigint, ADD CONSTRAINT "users_age_check" CHECK ("age" >= 0);
