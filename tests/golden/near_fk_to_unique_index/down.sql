-- drop table invites
DROP TABLE "public"."invites";
-- drop index users_email_uidx
DROP INDEX "public"."users_email_uidx";
