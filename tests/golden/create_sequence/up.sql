-- create sequence invoice_no
CREATE SEQUENCE "public"."invoice_no" START WITH 1000;
-- create sequence countdown
CREATE SEQUENCE "public"."countdown" AS smallint INCREMENT BY -1;
-- create sequence ring
CREATE SEQUENCE "public"."ring" AS integer MAXVALUE 10 CACHE 5 CYCLE;
-- create sequence big
CREATE SEQUENCE "public"."big" START WITH 7;
-- add column no to invoices
ALTER TABLE "public"."invoices" ADD COLUMN "no" bigint NOT NULL DEFAULT nextval('invoice_no');
-- sequence invoice_no owned by invoices.no
ALTER SEQUENCE "public"."invoice_no" OWNED BY "public"."invoices"."no";
