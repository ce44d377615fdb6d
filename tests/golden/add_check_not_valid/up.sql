-- add constraint nickname_not_null to users
ALTER TABLE "public"."users" ADD CONSTRAINT "nickname_not_null" CHECK ("nickname" IS NOT NULL) NOT VALID;
