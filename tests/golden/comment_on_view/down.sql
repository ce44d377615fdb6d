-- comment on materialized view daily_counts
COMMENT ON MATERIALIZED VIEW "public"."daily_counts" IS NULL;
-- comment on view active_users
COMMENT ON VIEW "public"."active_users" IS NULL;
