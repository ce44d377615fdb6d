-- drop not null on users.email
ALTER TABLE "public"."users" ALTER COLUMN "email" DROP NOT NULL;
