-- drop index items_name_idx
DROP INDEX "public"."items_name_idx";
-- drop index items_id_c_idx
DROP INDEX "public"."items_id_c_idx";
-- drop index items_embedding_idx
DROP INDEX "public"."items_embedding_idx";
-- drop index items_path_idx
DROP INDEX "public"."items_path_idx";
-- drop table items
DROP TABLE "public"."items";
-- drop extension vector
DROP EXTENSION "vector";
-- drop extension isn
DROP EXTENSION "isn";
-- drop extension btree_gin
DROP EXTENSION "btree_gin";
-- drop extension btree_gist
DROP EXTENSION "btree_gist";
-- drop extension earthdistance
DROP EXTENSION "earthdistance";
-- drop extension cube
DROP EXTENSION "cube";
-- drop extension ltree
DROP EXTENSION "ltree";
-- drop extension hstore
DROP EXTENSION "hstore";
-- drop extension pg_trgm
DROP EXTENSION "pg_trgm";
-- drop extension citext
DROP EXTENSION "citext";
