-- grant on view doc_titles
GRANT SELECT, INSERT ON TABLE "public"."doc_titles" TO "migc_golden_gvs_app";
-- grant on table docs
GRANT SELECT, INSERT ON TABLE "public"."docs" TO "migc_golden_gvs_app";
-- grant on materialized view doc_count
GRANT SELECT ON TABLE "public"."doc_count" TO "migc_golden_gvs_reporting" WITH GRANT OPTION;
-- grant on sequence invoice_no
GRANT USAGE, SELECT ON SEQUENCE "public"."invoice_no" TO "migc_golden_gvs_app";
-- grant on sequence invoice_no
GRANT USAGE, SELECT, UPDATE ON SEQUENCE "public"."invoice_no" TO "migc_golden_gvs_admin";
-- revoke on view doc_titles
REVOKE SELECT ON TABLE "public"."doc_titles" FROM PUBLIC;
-- revoke on sequence invoice_no
REVOKE UPDATE ON SEQUENCE "public"."invoice_no" FROM "migc_golden_gvs_admin";
