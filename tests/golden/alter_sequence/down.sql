-- rename sequence stride to steps
ALTER SEQUENCE "public"."stride" RENAME TO "steps";
-- rename sequence steps to step
ALTER SEQUENCE "public"."steps" RENAME TO "step";
-- alter sequence step
ALTER SEQUENCE "public"."step" AS bigint MINVALUE 1 MAXVALUE 1000;
-- sequence order_code owned by none
ALTER SEQUENCE "public"."order_code" OWNED BY NONE;
-- alter sequence order_code
ALTER SEQUENCE "public"."order_code" AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 NO CYCLE;
