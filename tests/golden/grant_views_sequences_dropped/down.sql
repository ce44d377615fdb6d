-- create sequence invoice_number
CREATE SEQUENCE "public"."invoice_number" START WITH 1000;
-- grant on sequence invoice_number
GRANT USAGE ON SEQUENCE "public"."invoice_number" TO "migc_golden_gvsd_app";
-- create view titles
CREATE VIEW "public"."titles" AS
SELECT "docs"."id", "docs"."title", length("docs"."title") AS "len" FROM "public"."docs";
-- grant on view titles
GRANT SELECT ON TABLE "public"."titles" TO "migc_golden_gvsd_app";
