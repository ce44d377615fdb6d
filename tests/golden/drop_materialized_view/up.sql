-- drop materialized view daily_counts
DROP MATERIALIZED VIEW "public"."daily_counts";
