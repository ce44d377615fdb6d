-- create trigger users_touch on users
CREATE TRIGGER "users_touch" BEFORE UPDATE ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."touch_updated_at"();
-- create trigger audit_email on users
CREATE TRIGGER "audit_email" AFTER UPDATE OF "email" ON "public"."users" FOR EACH ROW WHEN ("old"."email" IS DISTINCT FROM "new"."email") EXECUTE FUNCTION "public"."audit"();
-- create trigger audit_all on users
CREATE TRIGGER "audit_all" AFTER INSERT OR UPDATE OR DELETE ON "public"."users" FOR EACH STATEMENT EXECUTE FUNCTION "public"."audit"();
-- create trigger audit_truncate on users
CREATE TRIGGER "audit_truncate" AFTER TRUNCATE ON "public"."users" FOR EACH STATEMENT EXECUTE FUNCTION "public"."audit"('truncated', '42');
-- disable trigger users_touch on users
ALTER TABLE "public"."users" DISABLE TRIGGER "users_touch";
-- rename trigger audit_all on users to audit_everything
ALTER TRIGGER "audit_all" ON "public"."users" RENAME TO "audit_everything";
