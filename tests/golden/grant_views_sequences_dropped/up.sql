-- drop view titles
DROP VIEW "public"."titles";
-- drop sequence invoice_number
DROP SEQUENCE "public"."invoice_number";
