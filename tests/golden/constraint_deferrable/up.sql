-- create table t
CREATE TABLE "public"."t" (
  "a" integer NOT NULL,
  "b" integer,
  "c" int4range,
  CONSTRAINT "t_a_key" UNIQUE ("a") DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT "t_b_fkey" FOREIGN KEY ("b") REFERENCES "public"."u" ("id") DEFERRABLE,
  CONSTRAINT "t_b_key" UNIQUE ("b") DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT "t_c_excl" EXCLUDE USING gist ("c" WITH &&) DEFERRABLE INITIALLY DEFERRED
);
-- create table t
ALTER TABLE "public"."t" ADD CONSTRAINT "t_pk" PRIMARY KEY ("a") DEFERRABLE;
-- add constraint t_b_fk to t
ALTER TABLE "public"."t" ADD CONSTRAINT "t_b_fk" FOREIGN KEY ("b") REFERENCES "public"."u" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID;
-- make constraint t_b_fk of t not deferrable
ALTER TABLE "public"."t" ALTER CONSTRAINT "t_b_fk" NOT DEFERRABLE INITIALLY IMMEDIATE;
-- drop constraint old_code_key from old; make constraint old_u_fk of old deferrable initially deferred
ALTER TABLE "public"."old" DROP CONSTRAINT "old_code_key", ALTER CONSTRAINT "old_u_fk" DEFERRABLE INITIALLY DEFERRED;
-- add column d to old
ALTER TABLE "public"."old" ADD COLUMN "d" integer, ADD CONSTRAINT "old_d_key" UNIQUE ("d"), ADD CONSTRAINT "old_d_fkey" FOREIGN KEY ("d") REFERENCES "public"."u" ("id") DEFERRABLE;
-- make constraint ev_u_id_fkey of ev deferrable
ALTER TABLE "public"."ev" ALTER CONSTRAINT "ev_u_id_fkey" DEFERRABLE INITIALLY IMMEDIATE;
-- create table ev_2027
CREATE TABLE "public"."ev_2027" PARTITION OF "public"."ev" FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
-- drop constraint k_code_dkey from k
ALTER TABLE "public"."k" DROP CONSTRAINT "k_code_dkey";
-- add column e to old; make constraint old_e_fk of old deferrable initially deferred
ALTER TABLE "public"."old" ADD COLUMN "e" integer, ADD CONSTRAINT "old_e_fk" FOREIGN KEY ("e") REFERENCES "public"."u" ("id") DEFERRABLE, ALTER CONSTRAINT "old_e_fk" DEFERRABLE INITIALLY DEFERRED;
