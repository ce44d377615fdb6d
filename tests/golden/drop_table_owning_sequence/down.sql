-- create sequence doc_no
CREATE SEQUENCE "public"."doc_no" AS integer;
-- create table docs
CREATE TABLE "public"."docs" (
  "no" integer NOT NULL DEFAULT nextval('doc_no'),
  "title" text
);
-- sequence doc_no owned by docs.no
ALTER SEQUENCE "public"."doc_no" OWNED BY "public"."docs"."no";
