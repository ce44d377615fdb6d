-- create table users
CREATE TABLE "public"."users" (
  "bb" bigint NOT NULL,
  CONSTRAINT "users_bb_key" UNIQUE ("bb") DEFERRABLE
);
-- create table users
ALTER TABLE "public"."users" ADD CONSTRAINT "users_bb_key1" UNIQUE ("bb");
-- create table users
ALTER TABLE "public"."users" ADD CONSTRAINT "bb2" FOREIGN KEY ("bb") REFERENCES "public"."users" ("bb");
