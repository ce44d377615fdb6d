-- drop table User Accounts
DROP TABLE "public"."User Accounts";
