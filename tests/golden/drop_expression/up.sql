-- drop expression of people.full_name
ALTER TABLE "public"."people" ALTER COLUMN "full_name" DROP EXPRESSION;
