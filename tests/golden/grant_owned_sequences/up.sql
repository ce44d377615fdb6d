-- rename table docs to papers
ALTER TABLE "public"."docs" RENAME TO "papers";
-- rename column id of papers to paper_id
ALTER TABLE "public"."papers" RENAME COLUMN "id" TO "paper_id";
-- drop identity of papers.n
ALTER TABLE "public"."papers" ALTER COLUMN "n" DROP IDENTITY;
-- grant on sequence docs_id_seq
GRANT UPDATE ON SEQUENCE "public"."docs_id_seq" TO "migc_golden_gos_app";
