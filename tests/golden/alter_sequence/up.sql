-- alter sequence order_code
ALTER SEQUENCE "public"."order_code" AS bigint INCREMENT BY 5 MINVALUE 1 MAXVALUE 100000 CACHE 10 CYCLE;
-- alter sequence order_code
ALTER SEQUENCE "public"."order_code" RESTART WITH 200;
-- sequence order_code owned by orders.code
ALTER SEQUENCE "public"."order_code" OWNED BY "public"."orders"."code";
-- alter sequence step
ALTER SEQUENCE "public"."step" AS smallint MINVALUE 1 MAXVALUE 32767;
-- rename sequence step to steps
ALTER SEQUENCE "public"."step" RENAME TO "steps";
-- rename sequence steps to stride
ALTER SEQUENCE "public"."steps" RENAME TO "stride";
