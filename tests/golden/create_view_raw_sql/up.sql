-- create view raw_users
CREATE VIEW "public"."raw_users" AS
select id, email from users where email like '%@%';
-- create view over_raw
CREATE VIEW "public"."over_raw" AS
SELECT "r"."id", "r"."email" FROM "public"."raw_users" "r";
