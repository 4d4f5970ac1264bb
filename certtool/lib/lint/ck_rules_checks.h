/*
 * ck_rules_checks: the check functions of the rule table (internal to
 * ck_rules*.c).  Each follows ck_rule_fn (ck_rules.h).
 */
#ifndef CK_RULES_CHECKS_H
#define CK_RULES_CHECKS_H

#include "ck_rules.h"

#define CK_CHECK(name) int name(const struct ck_rule_env *env, const json_t *rec, struct ck_hit *hit)

/* ck_rules_cert.c: RFC 5280 structure and Intel AMT certificate rules. */
CK_CHECK(ck_chk_version);
CK_CHECK(ck_chk_serial_not_positive);
CK_CHECK(ck_chk_serial_too_long);
CK_CHECK(ck_chk_validity_order);
CK_CHECK(ck_chk_ca_key_usage);
CK_CHECK(ck_chk_key_cert_sign_not_ca);
CK_CHECK(ck_chk_path_len_not_ca);
CK_CHECK(ck_chk_san_missing);
CK_CHECK(ck_chk_san_syntax);
CK_CHECK(ck_chk_name_control_char);
CK_CHECK(ck_chk_aki_missing);
CK_CHECK(ck_chk_ski_missing);
CK_CHECK(ck_chk_critical_unknown_ext);
CK_CHECK(ck_chk_weak_key);
CK_CHECK(ck_chk_weak_signature);
CK_CHECK(ck_chk_amt_server_auth);
CK_CHECK(ck_chk_amt_client_auth);
CK_CHECK(ck_chk_amt_marker);
CK_CHECK(ck_chk_amt_fqdn);
CK_CHECK(ck_chk_amt_domain_suffix);
CK_CHECK(ck_chk_amt_web_extra_eku);
CK_CHECK(ck_chk_amt_chain_too_short);
CK_CHECK(ck_chk_amt_policy);

/* ck_rules_adcs.c: AD CS templates and CAs (ESC*, ConfigMgr 2007). */
CK_CHECK(ck_chk_esc1);
CK_CHECK(ck_chk_esc2);
CK_CHECK(ck_chk_esc3);
CK_CHECK(ck_chk_esc4);
CK_CHECK(ck_chk_esc6);
CK_CHECK(ck_chk_esc9);
CK_CHECK(ck_chk_esc11);
CK_CHECK(ck_chk_esc13);
CK_CHECK(ck_chk_esc15);
CK_CHECK(ck_chk_esc16);
CK_CHECK(ck_chk_esc17);
CK_CHECK(ck_chk_oob_schema_version);
CK_CHECK(ck_chk_oob_pend_all);
CK_CHECK(ck_chk_oob_ra_signatures);
CK_CHECK(ck_chk_oob_server_auth);
CK_CHECK(ck_chk_oob_amt_oid);
CK_CHECK(ck_chk_oob_web_client_auth);
CK_CHECK(ck_chk_oob_web_supply_subject);
CK_CHECK(ck_chk_oob_min_key_bits);
CK_CHECK(ck_chk_oob_not_published);
CK_CHECK(ck_chk_oob_ca_pending);

#endif /* CK_RULES_CHECKS_H */
