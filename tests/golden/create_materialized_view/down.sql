-- drop materialized view later_counts
DROP MATERIALIZED VIEW "public"."later_counts";
-- drop index daily_counts_day_idx
DROP INDEX "public"."daily_counts_day_idx";
-- drop materialized view daily_counts
DROP MATERIALIZED VIEW "public"."daily_counts";
