-- set default of users.nickname
ALTER TABLE "public"."users" ALTER COLUMN "nickname" SET DEFAULT 'anon';
