-- change type of users.email to varchar(300)
ALTER TABLE "public"."users" ALTER COLUMN "email" TYPE varchar(300);
