-- add column code to users
ALTER TABLE "public"."users" ADD COLUMN "code" varchar(10) NOT NULL DEFAULT 'x', ADD CONSTRAINT "users_code_key" UNIQUE ("code"), ADD CONSTRAINT "users_code_check" CHECK (length("code") > 0);
