/*
 * ck_caconfig: CA registry settings an administrator copies from the CA
 * ([MS-WCCE] 3.2.1.4.2.1.4.5; Certipy ESC6, ESC11, ESC16): policy\RequestDisposition,
 * policy\EditFlags and CA\InterfaceFlags, given either as the text that
 * `certutil -getreg` prints or as a JSON object.  Used by cert-approve
 * (disposition) and cert-lint (ESC6 EditFlags, ESC11 InterfaceFlags).
 *
 * Text form (any number of certutil outputs concatenated, CRLF or LF,
 * UTF-8/ASCII or UTF-16LE as PowerShell redirection writes it):
 *
 *   HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\CertSvc\Configuration\CORP-CA\PolicyModules\CertificateAuthority_MicrosoftDefault.Policy:
 *
 *     RequestDisposition REG_DWORD = 101 (257)
 *       REQDISP_PENDINGFIRST -- 100 (256)
 *   CertUtil: -getreg command completed successfully.
 *
 * The hex value after '=' is authoritative; the decimal in parentheses,
 * when present, must agree with it.  The decoded flag lines are ignored
 * (their exact text is not documented).  The CA name is the registry key
 * after "...\CertSvc\Configuration\".
 *
 * policy\DisableExtensionList is a REG_MULTI_SZ; its values are read from
 * the lines that follow "DisableExtensionList REG_MULTI_SZ =", one
 * "N: value" per line (the usual certutil layout for multi-strings; the
 * exact text is *unconfirmed*, so the JSON form is the dependable one).
 *
 * JSON form: {"ca": "CORP-CA", "request_disposition": 257,
 * "edit_flags": "0x11014e", "interface_flags": {"raw": 1601},
 * "disable_extension_list": ["1.3.6.1.4.1.311.25.2"]} (every field
 * optional, at least one setting required); each flag value is an
 * integer, a "0x..." hex string or an object with "raw".  An array of such
 * objects describes several CAs.
 */
#ifndef CK_CACONFIG_H
#define CK_CACONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ck_err.h"

/* RequestDisposition bits ([MS-WCCE] 3.2.1.4.2.1.4.5, certsrv.h). */
#define CK_REQDISP_PENDING		0x0u
#define CK_REQDISP_ISSUE		0x1u
#define CK_REQDISP_DENY			0x2u
#define CK_REQDISP_USEREQUESTATTRIBUTE	0x3u
#define CK_REQDISP_MASK			0xFFu
#define CK_REQDISP_PENDINGFIRST		0x100u
/* Enterprise CA default ([MS-WCCE] 3.2.1.4.2.1.4.5). */
#define CK_REQDISP_ENTERPRISE_DEFAULT	0x1u

/* The bits the AD CS rules test (Certipy ESC6, ESC11; certsrv.h). */
#define CK_EDITF_ATTRIBUTESUBJECTALTNAME2	0x40000u
#define CK_IF_ENFORCEENCRYPTICERTREQUEST	0x200u

#define CK_CACONFIG_NAME_MAX 256
#define CK_CACONFIG_MAX 64
#define CK_CACONFIG_OIDS_MAX 32
#define CK_CACONFIG_OID_LEN 64
/* The security extension whose removal ESC16 is about (Certipy ESC16; KB5014754). */
#define CK_OID_NTDS_CA_SECURITY_EXT "1.3.6.1.4.1.311.25.2"

/* The settings of one CA; has_* say which were given. */
struct ck_caconfig {
	char ca[CK_CACONFIG_NAME_MAX];	/* "" when the input did not name the CA */
	int has_request_disposition;
	uint32_t request_disposition;
	int has_edit_flags;
	uint32_t edit_flags;
	int has_interface_flags;
	uint32_t interface_flags;
	/* policy\DisableExtensionList (REG_MULTI_SZ): extensions the CA leaves out. */
	int has_disable_extension_list;
	size_t n_disabled;
	char disabled[CK_CACONFIG_OIDS_MAX][CK_CACONFIG_OID_LEN];
};

/*
 * Parses certutil -getreg text or JSON (detected by the first non-blank
 * character being '{' or '[') into up to max entries of out (zeroed
 * first).  Settings under the same CA key are merged into one entry;
 * settings before any registry path go to an entry with ca "".  Returns
 * the number of entries (>= 1), or -1 with err set (CK_E_PARSE: no setting
 * found, a malformed value, hex and decimal disagreeing, one setting given
 * twice with different values, "-getreg command FAILED"; CK_E_LIMIT: more
 * than max CAs).
 */
int ck_caconfig_parse(const char *buf, size_t len, struct ck_caconfig *out,
    size_t max, struct ck_err *err);

/*
 * Reads a file ("-" = standard input) of at most 1 MiB and parses it as
 * ck_caconfig_parse does.  Same return convention (CK_E_IO, CK_E_LIMIT too).
 */
int ck_caconfig_load(const char *path, struct ck_caconfig *out, size_t max,
    struct ck_err *err);

/* The entries of several --ca-config files, in order, with the file of each. */
struct ck_caconfig_set {
	struct ck_caconfig *conf;
	const char **src;	/* src[i]: the path entry i came from (borrowed) */
	size_t n, cap;
};

/*
 * Loads one file (ck_caconfig_load) and appends its entries to set.
 * Returns 0, or -1 with err set and nothing appended.  Release the set
 * with ck_caconfig_set_release (it can be reused).
 */
int ck_caconfig_set_load(struct ck_caconfig_set *set, const char *path, struct ck_err *err);
void ck_caconfig_set_release(struct ck_caconfig_set *set);

/* The same for a JSON value already parsed (an object or an array of objects). */
int ck_caconfig_parse_json(const json_t *j, struct ck_caconfig *out, size_t max,
    struct ck_err *err);

/*
 * What the default policy module does with a request under this
 * RequestDisposition ([MS-WCCE] 3.2.1.4.2.1.4.5): "pending" when PENDINGFIRST (0x100) is
 * set, else "issue" for low byte 1, "deny" for 2, "pending" otherwise.
 */
const char *ck_caconfig_disposition_action(uint32_t disp);

/*
 * Writes the given settings into a `ca` record: request_disposition
 * {"raw", "action"}, edit_flags / interface_flags {"raw", "names"} (names
 * for the bits the ESC rules test, other set bits as "0x00000004"-style hex),
 * disable_extension_list [OIDs].
 * Fields not given are left as they are.  Returns 0 or -1.
 */
int ck_caconfig_apply(const struct ck_caconfig *cfg, json_t *ca, struct ck_err *err);

/*
 * "Apply --ca-config to the ca records", the one rule of every tool
 * (cert-lint, cert-approve).  Each entry goes to the ca records its registry
 * path names (name or DNS host, case-insensitive).  An entry without a path
 * (certutil -getreg run on the CA itself, without -config) goes to the CA
 * that `ca` names (the tool's --ca, when exactly one is given; NULL: none),
 * else to the only ca record of the input.  With several ca records and no
 * `ca` the entry is not guessed onto one of them: that is an error
 * ("... give --ca NAME").
 *
 * For each entry that fails (no place, or a record it cannot be written
 * into) report(arg, i, err, 1) is called and the other entries go on; an
 * entry whose CA is not in the input calls report(arg, i, err, 0) (a
 * warning: "settings for CA 'X' ignored: no ca record of that name").
 * Records are changed in place.  Returns the number of failed entries.
 */
size_t ck_caconfig_apply_all(const struct ck_caconfig *conf, size_t nconf, json_t *const *cas,
    size_t ncas, const char *ca,
    void (*report)(void *arg, size_t entry, const struct ck_err *err, int failed), void *arg);

/*
 * Reads the settings back from a `ca` record (any field absent -> has_* 0;
 * each field may be an integer, "0x..." string or {"raw": ...}).  ca name
 * from "name".  Returns 0, or -1 (CK_E_PARSE) when a field is malformed.
 */
int ck_caconfig_from_ca(const json_t *ca, struct ck_caconfig *cfg, struct ck_err *err);

/* One setting value: integer, "0x..."/decimal string, or {"raw": ...}. Returns 0 or -1. */
int ck_caconfig_value(const json_t *v, uint32_t *out, struct ck_err *err);

/* {"raw": v, "names": [...]} for edit_flags (which = 'e') or interface_flags ('i'). New reference. */
json_t *ck_caconfig_flags_json(char which, uint32_t v);

#endif /* CK_CACONFIG_H */
