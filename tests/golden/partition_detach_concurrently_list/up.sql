-- detach partition kinds_ab from kinds
ALTER TABLE "public"."kinds" DETACH PARTITION "public"."kinds_ab" CONCURRENTLY;
