-- revoke on sequence docs_id_seq
REVOKE UPDATE ON SEQUENCE "public"."docs_id_seq" FROM "migc_golden_gos_app";
-- add identity to papers.n
ALTER TABLE "public"."papers" ALTER COLUMN "n" ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "public"."docs_n_seq");
-- grant on sequence docs_n_seq
GRANT USAGE ON SEQUENCE "public"."docs_n_seq" TO "migc_golden_gos_app";
-- rename column paper_id of papers to id
ALTER TABLE "public"."papers" RENAME COLUMN "paper_id" TO "id";
-- rename table papers to docs
ALTER TABLE "public"."papers" RENAME TO "docs";
