-- drop domain cents
DROP DOMAIN "public"."cents";
