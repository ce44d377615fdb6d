-- rename view active_users to live_users
ALTER VIEW "public"."active_users" RENAME TO "live_users";
-- rename materialized view daily_counts to day_counts
ALTER MATERIALIZED VIEW "public"."daily_counts" RENAME TO "day_counts";
-- create view live_emails
CREATE VIEW "public"."live_emails" AS
SELECT "live_users"."email" FROM "public"."live_users";
