-- set not null on t.a
ALTER TABLE "public"."t" ALTER COLUMN "a" SET NOT NULL;
-- add constraint t_pkey to t
ALTER TABLE "public"."t" ADD CONSTRAINT "t_pkey" PRIMARY KEY ("a");
