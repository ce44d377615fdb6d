-- rename table docs to documents
ALTER TABLE "public"."docs" RENAME TO "documents";
-- rename column owner of documents to owned_by
ALTER TABLE "public"."documents" RENAME COLUMN "owner" TO "owned_by";
-- drop table documents
DROP TABLE "public"."documents";
