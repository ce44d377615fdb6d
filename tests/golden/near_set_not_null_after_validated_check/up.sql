-- set not null on users.nickname
ALTER TABLE "public"."users" ALTER COLUMN "nickname" SET NOT NULL;
