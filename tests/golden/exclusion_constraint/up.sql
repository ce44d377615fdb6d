-- create table bookings
CREATE TABLE "public"."bookings" (
  "id" bigint NOT NULL,
  "room_id" bigint NOT NULL,
  "during" tstzrange NOT NULL,
  "cancelled" boolean NOT NULL DEFAULT false,
  CONSTRAINT "bookings_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "bookings_during_excl" EXCLUDE USING gist ("during" WITH &&) WHERE (NOT "cancelled"),
  CONSTRAINT "no_self_overlap" EXCLUDE USING gist (tstzrange(lower("during"), upper("during")) WITH &&)
);
-- add column open_hours to rooms; add constraint rooms_open_hours_excl to rooms
ALTER TABLE "public"."rooms" ADD COLUMN "open_hours" int4range, ADD CONSTRAINT "rooms_open_hours_excl" EXCLUDE USING gist ("open_hours" WITH &&);
-- add constraint rooms_name_excl to rooms
ALTER TABLE "public"."rooms" ADD CONSTRAINT "rooms_name_excl" EXCLUDE USING btree ("name" WITH =);
-- rename column during of bookings to period
ALTER TABLE "public"."bookings" RENAME COLUMN "during" TO "period";
