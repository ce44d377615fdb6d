-- drop column note from cache_entries; set unlogged cache_entries
ALTER TABLE "public"."cache_entries" DROP COLUMN "note", SET UNLOGGED;
-- set logged events
ALTER TABLE "public"."events" SET LOGGED;
-- drop table session_events
DROP TABLE "public"."session_events";
-- drop index sessions_data_idx
DROP INDEX "public"."sessions_data_idx";
-- drop table sessions
DROP TABLE "public"."sessions";
