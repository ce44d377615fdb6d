-- set not null on users.email
ALTER TABLE "public"."users" ALTER COLUMN "email" SET NOT NULL;
