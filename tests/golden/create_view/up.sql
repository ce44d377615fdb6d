-- create view active_users
CREATE VIEW "public"."active_users" AS
SELECT "u"."id", "u"."email", "o"."name" AS "org" FROM "public"."users" "u" INNER JOIN "public"."orgs" "o" ON "o"."id" = "u"."org_id" WHERE "u"."deleted_at" IS NULL;
-- create view everyone
CREATE VIEW "public"."everyone" AS
SELECT "users"."id", "users"."org_id", "users"."email", "users"."score", "users"."deleted_at" FROM "public"."users";
-- create view org_stats
CREATE VIEW "public"."org_stats" ("org_id", "members") AS
SELECT "users"."org_id", count(*) FROM "public"."users" GROUP BY "users"."org_id" HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 10;
-- create view v_scalar
CREATE VIEW "public"."v_scalar" AS
SELECT "users"."id", (SELECT max("e"."at") FROM "public"."events" "e" WHERE "e"."user_id" = "users"."id") AS "last_at", "users"."email" AS "last_email", "users"."score"::bigint, date '2024-01-01', 1 + 1, CASE WHEN "users"."score" > 0 THEN "users"."email" ELSE NULL END FROM "public"."users";
