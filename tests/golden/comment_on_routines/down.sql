-- comment on policy owner_only on docs
COMMENT ON POLICY "owner_only" ON "public"."docs" IS NULL;
-- comment on trigger docs_audit on docs
COMMENT ON TRIGGER "docs_audit" ON "public"."docs" IS NULL;
-- comment on function cleanup(integer)
COMMENT ON ROUTINE "public"."cleanup"(integer) IS NULL;
-- comment on function slug(text)
COMMENT ON ROUTINE "public"."slug"(text) IS 'old';
-- comment on function audit()
COMMENT ON ROUTINE "public"."audit"() IS NULL;
