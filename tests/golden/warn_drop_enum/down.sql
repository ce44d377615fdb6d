-- create enum user_role
CREATE TYPE "public"."user_role" AS ENUM ('member', 'admin');
