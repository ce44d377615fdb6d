-- drop view over_raw
DROP VIEW "public"."over_raw";
-- drop view raw_users
DROP VIEW "public"."raw_users";
