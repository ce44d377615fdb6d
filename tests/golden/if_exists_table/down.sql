-- create table audit_log
CREATE TABLE "public"."audit_log" (
  "id" bigint NOT NULL,
  "at" timestamptz NOT NULL,
  CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
-- drop table audit_log
DROP TABLE "public"."audit_log";
