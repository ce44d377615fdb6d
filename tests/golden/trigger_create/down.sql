-- rename trigger audit_everything on users to audit_all
ALTER TRIGGER "audit_everything" ON "public"."users" RENAME TO "audit_all";
-- enable trigger users_touch on users
ALTER TABLE "public"."users" ENABLE TRIGGER "users_touch";
-- drop trigger audit_truncate on users
DROP TRIGGER "audit_truncate" ON "public"."users";
-- drop trigger audit_all on users
DROP TRIGGER "audit_all" ON "public"."users";
-- drop trigger audit_email on users
DROP TRIGGER "audit_email" ON "public"."users";
-- drop trigger users_touch on users
DROP TRIGGER "users_touch" ON "public"."users";
