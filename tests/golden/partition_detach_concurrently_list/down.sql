-- attach partition kinds_ab to kinds
ALTER TABLE "public"."kinds" ATTACH PARTITION "public"."kinds_ab" FOR VALUES IN ('a', 'b');
-- attach partition kinds_ab to kinds
ALTER TABLE "public"."kinds_ab" DROP CONSTRAINT "kinds_ab_k_check";
