-- create materialized view daily_counts
CREATE MATERIALIZED VIEW "public"."daily_counts" AS
SELECT date_trunc('day', "events"."at") AS "day", count(*) AS "n" FROM "public"."events" GROUP BY 1;
-- comment on materialized view daily_counts
COMMENT ON MATERIALIZED VIEW "public"."daily_counts" IS 'Events per day';
-- create unique index daily_counts_day_idx on daily_counts
CREATE UNIQUE INDEX "daily_counts_day_idx" ON "public"."daily_counts" ("day");
-- create view live_users
CREATE VIEW "public"."live_users" AS
SELECT "u"."id", "u"."email", "o"."name" AS "org" FROM "public"."users" "u" INNER JOIN "public"."orgs" "o" ON "o"."id" = "u"."org_id" WHERE "u"."deleted_at" IS NULL;
-- comment on view live_users
COMMENT ON VIEW "public"."live_users" IS 'People who can sign in';
-- rename view live_users to active_users
ALTER VIEW "public"."live_users" RENAME TO "active_users";
