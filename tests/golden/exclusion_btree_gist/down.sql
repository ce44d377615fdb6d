-- drop table bookings
DROP TABLE "public"."bookings";
