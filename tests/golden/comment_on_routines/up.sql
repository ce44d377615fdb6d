-- comment on function audit()
COMMENT ON ROUTINE "public"."audit"() IS 'Writes the audit log';
-- comment on function slug(text)
COMMENT ON ROUTINE "public"."slug"(text) IS 'URL-safe text';
-- comment on function cleanup(integer)
COMMENT ON ROUTINE "public"."cleanup"(integer) IS 'Deletes old docs';
-- comment on trigger docs_audit on docs
COMMENT ON TRIGGER "docs_audit" ON "public"."docs" IS 'Every insert';
-- comment on policy owner_only on docs
COMMENT ON POLICY "owner_only" ON "public"."docs" IS 'Owners see their docs';
