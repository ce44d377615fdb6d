-- rename view active_users to live_users
ALTER VIEW "public"."active_users" RENAME TO "live_users";
-- drop view live_users
DROP VIEW "public"."live_users";
-- drop materialized view daily_counts
DROP MATERIALIZED VIEW "public"."daily_counts";
