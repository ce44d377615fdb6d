-- create enum mood
CREATE TYPE "public"."mood" AS ENUM ('ok');
-- rename enum mood to feeling
ALTER TYPE "public"."mood" RENAME TO "feeling";
