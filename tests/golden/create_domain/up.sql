-- create domain email
CREATE DOMAIN "public"."email" AS "public"."citext" CONSTRAINT "email_check" CHECK ("value" ~ '^[^@]+@[^@]+$');
-- create domain positive_int
CREATE DOMAIN "public"."positive_int" AS integer DEFAULT 1 NOT NULL CONSTRAINT "positive_int_check" CHECK ("value" > 0) CONSTRAINT "below_million" CHECK ("value" < 1000000);
-- create domain short_text
CREATE DOMAIN "public"."short_text" AS text CONSTRAINT "short_text_check" CHECK (length("value") <= 20) CONSTRAINT "short_text_check1" CHECK ("value" <> '');
-- create domain zip_code
CREATE DOMAIN "public"."zip_code" AS varchar(10);
-- create table people
CREATE TABLE "public"."people" (
  "id" bigint NOT NULL,
  "email" "public"."email" NOT NULL,
  "age" "public"."positive_int",
  "nick" "public"."short_text",
  "zips" "public"."zip_code"[],
  CONSTRAINT "people_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "people_check" CHECK ("age" < 200 AND length("nick") > 1)
);
-- create index people_lower_idx on people
CREATE INDEX "people_lower_idx" ON "public"."people" (lower("nick"));
