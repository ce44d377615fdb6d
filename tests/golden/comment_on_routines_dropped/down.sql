-- create function audit()
CREATE FUNCTION "public"."audit"() RETURNS trigger LANGUAGE "plpgsql" AS $$ begin return null; end $$;
-- comment on function audit()
COMMENT ON ROUTINE "public"."audit"() IS 'Writes the audit log';
-- create table documents
CREATE TABLE "public"."documents" (
  "id" bigint NOT NULL,
  "owner" text,
  CONSTRAINT "docs_pkey" PRIMARY KEY ("id")
);
-- create policy owner_only on documents
CREATE POLICY "owner_only" ON "public"."documents" USING ("owner" = CURRENT_USER);
-- comment on policy owner_only on documents
COMMENT ON POLICY "owner_only" ON "public"."documents" IS 'Owners see their docs';
-- rename table documents to docs
ALTER TABLE "public"."documents" RENAME TO "docs";
-- create trigger docs_audit on docs
CREATE TRIGGER "docs_audit" AFTER INSERT ON "public"."docs" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
-- comment on trigger docs_audit on docs
COMMENT ON TRIGGER "docs_audit" ON "public"."docs" IS 'Every insert';
