-- change type of users.age to bigint
ALTER TABLE "public"."users" ALTER COLUMN "age" TYPE bigint;
