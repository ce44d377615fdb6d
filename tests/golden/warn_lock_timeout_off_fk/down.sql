-- drop table invites
DROP TABLE "public"."invites";
