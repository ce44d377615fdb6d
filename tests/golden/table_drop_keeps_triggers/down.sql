-- create table documents
CREATE TABLE "public"."documents" (
  "id" bigint NOT NULL,
  "owned_by" text NOT NULL,
  "body" text,
  CONSTRAINT "docs_pkey" PRIMARY KEY ("id")
);
-- grant on table documents
GRANT SELECT ON TABLE "public"."documents" TO "migc_golden_dropkeeps_reader";
-- create policy owner_only on documents
CREATE POLICY "owner_only" ON "public"."documents" USING ("owned_by" = CURRENT_USER);
-- enable row level security on documents; force row level security on documents
ALTER TABLE "public"."documents" ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
-- create trigger docs_audit on documents
CREATE TRIGGER "docs_audit" AFTER INSERT ON "public"."documents" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
-- rename column owned_by of documents to owner
ALTER TABLE "public"."documents" RENAME COLUMN "owned_by" TO "owner";
-- rename table documents to docs
ALTER TABLE "public"."documents" RENAME TO "docs";
