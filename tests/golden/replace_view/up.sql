-- replace view active_users
CREATE OR REPLACE VIEW "public"."active_users" AS
SELECT "u"."id", "u"."email", "o"."name" AS "org" FROM "public"."users" "u" LEFT JOIN "public"."orgs" "o" ON "o"."id" = "u"."org_id";
