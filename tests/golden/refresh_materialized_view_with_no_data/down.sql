-- refresh materialized view daily_counts
REFRESH MATERIALIZED VIEW "public"."daily_counts";
