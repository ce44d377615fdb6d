-- comment on view active_users
COMMENT ON VIEW "public"."active_users" IS 'People who can sign in, with their org';
-- comment on materialized view daily_counts
COMMENT ON MATERIALIZED VIEW "public"."daily_counts" IS 'Events per day';
