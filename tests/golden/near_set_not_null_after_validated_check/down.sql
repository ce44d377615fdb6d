-- drop not null on users.nickname
ALTER TABLE "public"."users" ALTER COLUMN "nickname" DROP NOT NULL;
