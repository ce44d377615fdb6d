-- change type of users.email to varchar(200)
ALTER TABLE "public"."users" ALTER COLUMN "email" TYPE varchar(200);
