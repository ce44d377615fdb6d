-- drop table app.items
DROP TABLE "app"."items";
