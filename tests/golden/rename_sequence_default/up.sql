-- rename sequence app.ticket to ticket_no
ALTER SEQUENCE "app"."ticket" RENAME TO "ticket_no";
-- rename sequence plain to Plain Seq
ALTER SEQUENCE "public"."plain" RENAME TO "Plain Seq";
