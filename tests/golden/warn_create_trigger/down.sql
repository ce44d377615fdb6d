-- drop trigger posts_audit on posts
DROP TRIGGER "posts_audit" ON "public"."posts";
-- drop table posts
DROP TABLE "public"."posts";
-- drop trigger users_audit on users
DROP TRIGGER "users_audit" ON "public"."users";
