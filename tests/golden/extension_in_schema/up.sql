-- create extension pg_trgm
CREATE EXTENSION "pg_trgm" SCHEMA "ext";
-- create extension citext
CREATE EXTENSION "citext" SCHEMA "ext";
-- create table docs
CREATE TABLE "public"."docs" (
  "id" bigint NOT NULL,
  "title" "ext"."citext",
  "body" text,
  CONSTRAINT "docs_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "docs_body_check" CHECK ("ext".similarity("body", 'x') >= 0)
);
-- create index docs_body_idx on docs
CREATE INDEX "docs_body_idx" ON "public"."docs" USING "gin" ("body" "ext"."gin_trgm_ops");
-- create index docs_title_idx on docs
CREATE INDEX "docs_title_idx" ON "public"."docs" USING "gist" ("title" "ext"."gist_trgm_ops");
