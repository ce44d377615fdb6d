-- sql: set lock_timeout = '5s'
set lock_timeout = '5s';
-- add column bio to users
ALTER TABLE "public"."users" ADD COLUMN "bio" text;
