-- create sequence loose
CREATE SEQUENCE "public"."loose" CACHE 3;
-- create sequence t_counter
CREATE SEQUENCE "public"."t_counter" AS integer START WITH 5;
-- sequence t_counter owned by t.n
ALTER SEQUENCE "public"."t_counter" OWNED BY "public"."t"."n";
