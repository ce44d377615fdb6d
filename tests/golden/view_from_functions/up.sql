-- rename column tags of posts to labels
ALTER TABLE "public"."posts" RENAME COLUMN "tags" TO "labels";
