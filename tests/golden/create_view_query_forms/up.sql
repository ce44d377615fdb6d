-- create view forms_joins
CREATE VIEW "public"."forms_joins" AS
SELECT "u"."email", "o"."name", "e"."kind" FROM "public"."users" "u" LEFT JOIN "public"."orgs" "o" ON "o"."id" = "u"."org_id" RIGHT JOIN "public"."events" "e" ON "e"."user_id" = "u"."id" FULL JOIN "public"."orgs" "o2" USING ("name") CROSS JOIN (SELECT 1 AS "one") "s";
-- create view forms_using
CREATE VIEW "public"."forms_using" AS
SELECT "id", "users"."org_id", "users"."email", "users"."score", "users"."deleted_at", "events"."user_id", "events"."at", "events"."kind", "events"."amount" FROM "public"."users" INNER JOIN "public"."events" USING ("id");
-- create view forms_natural
CREATE VIEW "public"."forms_natural" AS
SELECT "id", "orgs"."name", "t"."tag" FROM "public"."orgs" NATURAL INNER JOIN (SELECT "orgs"."id", 'x' AS "tag" FROM "public"."orgs") "t";
-- create view forms_sets
CREATE VIEW "public"."forms_sets" AS
SELECT "users"."id", "users"."email" FROM "public"."users" UNION SELECT "events"."id", "events"."kind" FROM "public"."events" EXCEPT ALL SELECT 1, 'x' INTERSECT SELECT "orgs"."id", "orgs"."name" FROM "public"."orgs" ORDER BY 1 LIMIT 5 OFFSET 1;
-- create view forms_with
CREATE VIEW "public"."forms_with" AS
WITH RECURSIVE "r"("n") AS (SELECT 1 UNION ALL SELECT "r"."n" + 1 FROM "r" WHERE "r"."n" < 10), "big" AS (SELECT "events"."id", "events"."user_id", "events"."at", "events"."kind", "events"."amount" FROM "public"."events" WHERE "events"."amount" > 100) SELECT "r"."n", "big"."kind" FROM "r", "big";
-- create view forms_values
CREATE VIEW "public"."forms_values" AS
SELECT "t"."num", "t"."letter" FROM (VALUES (1, 'a'), (2, 'b')) "t"("num", "letter");
-- create view forms_aggregates
CREATE VIEW "public"."forms_aggregates" AS
SELECT "events"."user_id", count(*), count(DISTINCT "events"."kind") AS "kinds", sum("events"."amount") FILTER (WHERE "events"."kind" = 'sale') AS "sales", string_agg("events"."kind", ',' ORDER BY "events"."at" DESC NULLS LAST) AS "all_kinds", row_number() OVER (PARTITION BY "events"."user_id" ORDER BY min("events"."at")) AS "rn", sum(sum("events"."amount")) OVER (ORDER BY "events"."user_id" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "running" FROM "public"."events" GROUP BY "events"."user_id";
-- create view forms_predicates
CREATE VIEW "public"."forms_predicates" AS
SELECT DISTINCT ON ("email") "users"."email", "users"."id" FROM "public"."users" WHERE "users"."id" IN (SELECT "events"."user_id" FROM "public"."events") AND NOT EXISTS (SELECT 1 FROM "public"."orgs" WHERE "orgs"."id" = "users"."org_id") AND "users"."score" > ANY (SELECT "orgs"."id" FROM "public"."orgs") AND "users"."id" NOT IN (1, 2) ORDER BY "email", "id";
