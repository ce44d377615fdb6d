-- create materialized view daily_counts
CREATE MATERIALIZED VIEW "public"."daily_counts" AS
SELECT date_trunc('day', "events"."at") AS "day", count(*) AS "n" FROM "public"."events" GROUP BY 1;
-- create unique index daily_counts_day_idx on daily_counts
CREATE UNIQUE INDEX "daily_counts_day_idx" ON "public"."daily_counts" ("day");
