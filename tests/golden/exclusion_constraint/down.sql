-- rename column period of bookings to during
ALTER TABLE "public"."bookings" RENAME COLUMN "period" TO "during";
-- drop constraint rooms_name_excl from rooms
ALTER TABLE "public"."rooms" DROP CONSTRAINT "rooms_name_excl";
-- drop constraint rooms_open_hours_excl from rooms; drop column open_hours from rooms
ALTER TABLE "public"."rooms" DROP CONSTRAINT "rooms_open_hours_excl", DROP COLUMN "open_hours";
-- drop table bookings
DROP TABLE "public"."bookings";
