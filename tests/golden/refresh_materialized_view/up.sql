-- refresh materialized view daily_counts
REFRESH MATERIALIZED VIEW CONCURRENTLY "public"."daily_counts";
