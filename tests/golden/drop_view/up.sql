-- drop view active_users
DROP VIEW "public"."active_users";
