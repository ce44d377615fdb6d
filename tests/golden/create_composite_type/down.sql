-- drop table people
DROP TABLE "public"."people";
-- drop type nested
DROP TYPE "public"."nested";
-- drop type feeling
DROP TYPE "public"."feeling";
-- drop type address
DROP TYPE "public"."address";
