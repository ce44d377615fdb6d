-- add value 'owner' to enum user_role
ALTER TYPE "public"."user_role" ADD VALUE 'owner' BEFORE 'admin';
