-- create sequence t_n_counter
CREATE SEQUENCE "public"."t_n_counter" START WITH 50;
-- add column n to t
ALTER TABLE "public"."t" ADD COLUMN "n" bigint DEFAULT nextval('t_n_counter');
-- sequence t_n_counter owned by t.n
ALTER SEQUENCE "public"."t_n_counter" OWNED BY "public"."t"."n";
