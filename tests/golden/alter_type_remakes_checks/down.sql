-- drop index t_coalesce_idx
DROP INDEX "public"."t_coalesce_idx";
-- drop constraint t_b_check from t; change type of t.b to integer; add constraint t_b_check to t
ALTER TABLE "public"."t" DROP CONSTRAINT "t_b_check", ALTER COLUMN "b" TYPE integer, ADD CONSTRAINT "t_b_check" CHECK ("b" IN (1, 2));
-- create index t_coalesce_idx on t
CREATE INDEX "t_coalesce_idx" ON "public"."t" (coalesce("b", 0));
-- drop constraint t_a_check from t; change type of t.a to varchar(5); add constraint t_a_check to t
ALTER TABLE "public"."t" DROP CONSTRAINT "t_a_check", ALTER COLUMN "a" TYPE varchar(5), ADD CONSTRAINT "t_a_check" CHECK ("a" IN ('x', 'y'));
