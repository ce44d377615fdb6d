-- rename attribute bb of type pair to b
ALTER TYPE "public"."pair" RENAME ATTRIBUTE "bb" TO "b";
-- rename column headline of posts to title
ALTER TABLE "public"."posts" RENAME COLUMN "headline" TO "title";
