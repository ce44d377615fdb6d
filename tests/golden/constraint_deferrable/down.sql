-- make constraint old_e_fk of old deferrable
ALTER TABLE "public"."old" ALTER CONSTRAINT "old_e_fk" DEFERRABLE INITIALLY IMMEDIATE;
-- drop column e from old
ALTER TABLE "public"."old" DROP COLUMN "e";
-- add constraint k_code_dkey to k
ALTER TABLE "public"."k" ADD CONSTRAINT "k_code_dkey" UNIQUE ("code") DEFERRABLE;
-- drop table ev_2027
DROP TABLE "public"."ev_2027";
-- make constraint ev_u_id_fkey of ev not deferrable
ALTER TABLE "public"."ev" ALTER CONSTRAINT "ev_u_id_fkey" NOT DEFERRABLE INITIALLY IMMEDIATE;
-- drop column d from old
ALTER TABLE "public"."old" DROP COLUMN "d";
-- make constraint old_u_fk of old deferrable; add constraint old_code_key to old
ALTER TABLE "public"."old" ALTER CONSTRAINT "old_u_fk" DEFERRABLE INITIALLY IMMEDIATE, ADD CONSTRAINT "old_code_key" UNIQUE ("code") DEFERRABLE INITIALLY DEFERRED;
-- make constraint t_b_fk of t deferrable initially deferred
ALTER TABLE "public"."t" ALTER CONSTRAINT "t_b_fk" DEFERRABLE INITIALLY DEFERRED;
-- drop constraint t_b_fk from t
ALTER TABLE "public"."t" DROP CONSTRAINT "t_b_fk";
-- drop table t
DROP TABLE "public"."t";
