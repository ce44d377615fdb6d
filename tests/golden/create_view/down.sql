-- drop view v_scalar
DROP VIEW "public"."v_scalar";
-- drop view org_stats
DROP VIEW "public"."org_stats";
-- drop view everyone
DROP VIEW "public"."everyone";
-- drop view active_users
DROP VIEW "public"."active_users";
