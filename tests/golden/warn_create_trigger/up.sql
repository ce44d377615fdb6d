-- create trigger users_audit on users
CREATE TRIGGER "users_audit" AFTER INSERT ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
-- create table posts
CREATE TABLE "public"."posts" (
  "id" bigint NOT NULL,
  CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);
-- create trigger posts_audit on posts
CREATE TRIGGER "posts_audit" AFTER INSERT ON "public"."posts" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
