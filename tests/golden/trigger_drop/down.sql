-- replace trigger audit_more on users
CREATE OR REPLACE TRIGGER "audit_more" AFTER DELETE ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
-- create trigger audit_all on users
CREATE TRIGGER "audit_all" AFTER INSERT OR UPDATE ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
-- create trigger audit_all on users
ALTER TABLE "public"."users" DISABLE TRIGGER "audit_all";
-- disable trigger audit_more on users
ALTER TABLE "public"."users" DISABLE TRIGGER "audit_more";
