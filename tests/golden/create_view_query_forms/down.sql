-- drop view forms_predicates
DROP VIEW "public"."forms_predicates";
-- drop view forms_aggregates
DROP VIEW "public"."forms_aggregates";
-- drop view forms_values
DROP VIEW "public"."forms_values";
-- drop view forms_with
DROP VIEW "public"."forms_with";
-- drop view forms_sets
DROP VIEW "public"."forms_sets";
-- drop view forms_natural
DROP VIEW "public"."forms_natural";
-- drop view forms_using
DROP VIEW "public"."forms_using";
-- drop view forms_joins
DROP VIEW "public"."forms_joins";
