-- create extension citext
CREATE EXTENSION "citext" SCHEMA "public";
-- create extension pg_trgm
CREATE EXTENSION "pg_trgm" SCHEMA "public";
-- create extension hstore
CREATE EXTENSION "hstore" SCHEMA "ext" VERSION '1.8';
-- create extension ltree
CREATE EXTENSION "ltree" SCHEMA "public";
-- create extension cube
CREATE EXTENSION "cube" SCHEMA "public";
-- create extension earthdistance
CREATE EXTENSION "earthdistance" SCHEMA "public";
-- create extension btree_gist
CREATE EXTENSION "btree_gist" SCHEMA "public";
-- create extension btree_gin
CREATE EXTENSION "btree_gin" SCHEMA "public";
-- create extension isn
CREATE EXTENSION "isn" SCHEMA "public";
-- create extension vector
CREATE EXTENSION "vector" SCHEMA "public";
-- create table items
CREATE TABLE "public"."items" (
  "id" bigint NOT NULL,
  "name" "public"."citext" NOT NULL,
  "attrs" "ext"."hstore",
  "path" "public"."ltree",
  "embedding" "public"."vector"(3),
  "isbn" "public"."isbn13",
  "c" "public"."cube",
  CONSTRAINT "items_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "items_name_check" CHECK (similarity("name", 'x') >= 0)
);
-- create index items_path_idx on items
CREATE INDEX "items_path_idx" ON "public"."items" USING "gist" ("path");
-- create index items_embedding_idx on items
CREATE INDEX "items_embedding_idx" ON "public"."items" USING "hnsw" ("embedding" "vector_l2_ops");
-- create index items_id_c_idx on items
CREATE INDEX "items_id_c_idx" ON "public"."items" USING "gist" ("id", "c");
-- create index items_name_idx on items
CREATE INDEX "items_name_idx" ON "public"."items" USING "gin" ("name" "gin_trgm_ops");
