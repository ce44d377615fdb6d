-- drop table tags_ab1
DROP TABLE "public"."tags_ab1";
-- drop table tags_ab0
DROP TABLE "public"."tags_ab0";
-- drop table tags_ab
DROP TABLE "public"."tags_ab";
-- drop table tags
DROP TABLE "public"."tags";
-- drop index events_2025_code_idx
DROP INDEX "public"."events_2025_code_idx";
-- drop table events_default
DROP TABLE "public"."events_default";
-- drop table events_old
DROP TABLE "public"."events_old";
-- drop table events_2025
DROP TABLE "public"."events_2025";
-- drop index events_kind_idx
DROP INDEX "public"."events_kind_idx";
-- drop table events
DROP TABLE "public"."events";
