-- drop view active_emails
DROP VIEW "public"."active_emails";
-- drop materialized view active_orgs
DROP MATERIALIZED VIEW "public"."active_orgs";
-- drop view active_users
DROP VIEW "public"."active_users";
-- create view active_users
CREATE VIEW "public"."active_users" AS
SELECT "u"."id", "u"."email", "o"."name" AS "org" FROM "public"."users" "u" INNER JOIN "public"."orgs" "o" ON "o"."id" = "u"."org_id" WHERE "u"."deleted_at" IS NULL;
-- create materialized view active_orgs
CREATE MATERIALIZED VIEW "public"."active_orgs" AS
SELECT DISTINCT "active_users"."org" FROM "public"."active_users";
-- create unique index active_orgs_org_idx on active_orgs
CREATE UNIQUE INDEX "active_orgs_org_idx" ON "public"."active_orgs" ("org");
-- create view active_emails
CREATE VIEW "public"."active_emails" AS
SELECT "active_users"."email" FROM "public"."active_users";
