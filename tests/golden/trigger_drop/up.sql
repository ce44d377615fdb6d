-- enable trigger audit_more on users
ALTER TABLE "public"."users" ENABLE TRIGGER "audit_more";
-- drop trigger audit_all on users
DROP TRIGGER "audit_all" ON "public"."users";
-- replace trigger audit_more on users
CREATE OR REPLACE TRIGGER "audit_more" AFTER DELETE OR UPDATE ON "public"."users" FOR EACH ROW EXECUTE FUNCTION "public"."audit"();
