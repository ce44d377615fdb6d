-- change type of users.age to integer
ALTER TABLE "public"."users" ALTER COLUMN "age" TYPE integer;
