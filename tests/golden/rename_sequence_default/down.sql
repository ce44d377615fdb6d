-- rename sequence Plain Seq to plain
ALTER SEQUENCE "public"."Plain Seq" RENAME TO "plain";
-- rename sequence app.ticket_no to ticket
ALTER SEQUENCE "app"."ticket_no" RENAME TO "ticket";
