-- create index t_a_idx1 on t
CREATE INDEX "t_a_idx1" ON "public"."t" ("a");
