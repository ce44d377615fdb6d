-- drop constraint fk_org from users
ALTER TABLE "public"."users" DROP CONSTRAINT "fk_org";
