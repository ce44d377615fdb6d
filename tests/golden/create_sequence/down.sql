-- sequence invoice_no owned by none
ALTER SEQUENCE "public"."invoice_no" OWNED BY NONE;
-- drop column no from invoices
ALTER TABLE "public"."invoices" DROP COLUMN "no";
-- drop sequence big
DROP SEQUENCE "public"."big";
-- drop sequence ring
DROP SEQUENCE "public"."ring";
-- drop sequence countdown
DROP SEQUENCE "public"."countdown";
-- drop sequence invoice_no
DROP SEQUENCE "public"."invoice_no";
