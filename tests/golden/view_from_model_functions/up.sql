-- rename column title of posts to headline
ALTER TABLE "public"."posts" RENAME COLUMN "title" TO "headline";
-- rename attribute b of type pair to bb
ALTER TYPE "public"."pair" RENAME ATTRIBUTE "b" TO "bb";
