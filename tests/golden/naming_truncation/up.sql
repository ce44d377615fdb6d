-- create table a_very_long_table_name_that_goes_on_and_on_forever_and_ever
CREATE TABLE "public"."a_very_long_table_name_that_goes_on_and_on_forever_and_ever" (
  "a_very_long_column_name_that_goes_on_and_on_forever" integer,
  "b" integer,
  "c" integer,
  CONSTRAINT "a_very_long_table_name_that_g_a_very_long_column_name_that__key" UNIQUE ("a_very_long_column_name_that_goes_on_and_on_forever"),
  CONSTRAINT "a_very_long_table_name_that_goes_on_and_on_forever_and__b_c_key" UNIQUE ("b", "c")
);
