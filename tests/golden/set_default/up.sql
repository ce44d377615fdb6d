-- set default of users.age
ALTER TABLE "public"."users" ALTER COLUMN "age" SET DEFAULT 18;
