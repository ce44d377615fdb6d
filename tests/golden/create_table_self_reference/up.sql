-- create table nodes
CREATE TABLE "public"."nodes" (
  "id" bigint NOT NULL,
  "parent_id" bigint,
  CONSTRAINT "nodes_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "nodes_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "public"."nodes" ("id")
);
