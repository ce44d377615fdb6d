-- validate constraint fk_org2 on users
ALTER TABLE "public"."users" VALIDATE CONSTRAINT "fk_org2";
