-- create table bookings
CREATE TABLE "public"."bookings" (
  "room" integer NOT NULL,
  "during" tstzrange NOT NULL,
  CONSTRAINT "bookings_room_during_excl" EXCLUDE USING gist ("room" WITH =, "during" WITH &&)
);
