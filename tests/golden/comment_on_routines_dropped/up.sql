-- drop trigger docs_audit on docs
DROP TRIGGER "docs_audit" ON "public"."docs";
-- rename table docs to documents
ALTER TABLE "public"."docs" RENAME TO "documents";
-- drop table documents
DROP TABLE "public"."documents";
-- drop function audit()
DROP FUNCTION "public"."audit"();
