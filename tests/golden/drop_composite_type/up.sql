-- drop type address
DROP TYPE "public"."address";
