-- rename column labels of posts to tags
ALTER TABLE "public"."posts" RENAME COLUMN "labels" TO "tags";
