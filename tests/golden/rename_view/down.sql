-- drop view live_emails
DROP VIEW "public"."live_emails";
-- rename materialized view day_counts to daily_counts
ALTER MATERIALIZED VIEW "public"."day_counts" RENAME TO "daily_counts";
-- rename view live_users to active_users
ALTER VIEW "public"."live_users" RENAME TO "active_users";
