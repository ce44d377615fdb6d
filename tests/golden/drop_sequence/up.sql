-- drop sequence t_counter
DROP SEQUENCE "public"."t_counter";
-- drop sequence loose
DROP SEQUENCE "public"."loose";
