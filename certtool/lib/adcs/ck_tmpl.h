/*
 * ck_tmpl: certificate template definitions (the JSON files of templates/, `template`
 * records) for cert-tmpl, cert-lint and cert-issue: finding and loading
 * them, checking them, and turning them into the LDIF entry Active
 * Directory takes for a pKICertificateTemplate ([MS-CRTD], [MS-ADSC]).
 */
#ifndef CK_TMPL_H
#define CK_TMPL_H

#include <stddef.h>
#include <jansson.h>

#include "ck_err.h"

/* Largest template file read. */
#define CK_TMPL_FILE_MAX (1024u * 1024)

/*
 * The templates directory: dir when not NULL, else the first directory of
 * ck_datadir_search("templates") (ck_datadir.h), else CK_DATADIR
 * "/templates" (so the error names the install path).  Returns a new
 * malloc'd string (never NULL except on ENOMEM).
 */
char *ck_tmpl_dir(const char *dir);

/*
 * Resolves NAME: a path (contains '/' or ends in ".json") is taken as is;
 * otherwise <dir>/NAME.json, else the file in dir whose record "name"
 * equals NAME (case-insensitive, as AD compares CNs).  Returns a new
 * malloc'd path, or NULL (CK_E_NOTFOUND) when there is no such template.
 */
char *ck_tmpl_find(const char *dir, const char *name, struct ck_err *err);

/*
 * Sorted paths of the *.json files of dir (new malloc'd array of malloc'd
 * strings, *n entries; free with ck_tmpl_list_free).  Returns 0 or -1.
 */
int ck_tmpl_list(const char *dir, char ***paths, size_t *n, struct ck_err *err);
void ck_tmpl_list_free(char **paths, size_t n);

/*
 * Loads a template file (pretty-printed or one line), checks it with
 * ck_tmpl_check and sets "source" {type: file, uri: path}.  Returns a new
 * reference, or NULL with err set (CK_E_IO, CK_E_PARSE).
 */
json_t *ck_tmpl_load(const char *path, struct ck_err *err);

/*
 * A template by NAME in dir (NULL: ck_tmpl_dir's default): ck_tmpl_find
 * then ck_tmpl_load.  Returns a new reference, or NULL with err set.
 */
json_t *ck_tmpl_open(const char *dir, const char *name, struct ck_err *err);

/*
 * Checks a `template` record and normalises it in place: each flag
 * attribute becomes {raw (signed 32-bit), names} (raw and names given
 * together must agree), eku / application_policies entries must be short
 * names ck_tmpl_eku_oid knows or dotted OIDs, key_usage names must be
 * known, validity_days > renewal_days > 0 (both whole days: integers,
 * like every count in a template file), schema_version 1-4.  Returns 0 or -1 (CK_E_PARSE, message names the field).
 */
int ck_tmpl_check(json_t *tmpl, struct ck_err *err);

/*
 * The same check for a `template` record that is a template definition
 * (source of type "file": what cert-tmpl list made of a template file), on
 * a copy; records read from AD (source type ldap) or without a source, and
 * other kinds, pass.  cert-lint uses it, so cert-tmpl, cert-lint and
 * cert-issue accept the same template files.  Returns 0 or -1 (err set).
 */
int ck_tmpl_check_definition(const json_t *rec, struct ck_err *err);

/* EKU short name ("server_auth", "amt_provisioning") -> dotted OID, or NULL. */
const char *ck_tmpl_eku_oid(const char *name);

/* 1 when s is a dotted-decimal OID (first arc 0-2, >= 2 arcs, no leading zeros). */
int ck_oid_valid(const char *s);

/*
 * The template OID under an OID base: "<base>.<a>.<b>" with a and b
 * (1..16777215) taken from SHA-256 of the template name, so the same name
 * gets the same OID every time.  Returns 0 or -1 (CK_E_USAGE: bad base).
 */
int ck_tmpl_oid(const char *base, const char *name, char *out, size_t outlen,
    struct ck_err *err);

/*
 * A self-relative security descriptor (no owner/group: AD fills them in)
 * whose DACL gives each SID Read (0x20094) and Enroll (object ACE,
 * CONTROL_ACCESS, 0e10c968-78fb-11d2-90d4-00c04f79dc55), and keeps the
 * Windows defaults: SYSTEM and BUILTIN\Administrators full control,
 * Authenticated Users read.  *sd is malloc'd.  Returns 0 or -1
 * (CK_E_USAGE when a SID does not parse).
 */
int ck_tmpl_enroll_sd(const char *const *sids, size_t n, unsigned char **sd,
    size_t *len, struct ck_err *err);

struct ck_tmpl_ldif_opts {
	const char *forest_dn;		/* "DC=corp,DC=example,DC=com" (required) */
	const char *name;		/* CN override, or NULL: the record's name */
	const char *oid_base;		/* or NULL: the record's oid must be set */
	const char *const *enroll;	/* SIDs granted Read + Enroll */
	size_t n_enroll;
};

/*
 * Applies the --name / --oid-base / --enroll overrides to a checked
 * template record (in place): name, oid, acl entries.  Returns 0 or -1.
 */
int ck_tmpl_apply(json_t *tmpl, const struct ck_tmpl_ldif_opts *o, struct ck_err *err);

/*
 * The LDIF add entry for a checked template (after ck_tmpl_apply): a new
 * malloc'd NUL-terminated string ending in a blank line.  Returns NULL
 * with err set when a field needed by AD is missing (forest DN, OID).
 */
char *ck_tmpl_ldif(const json_t *tmpl, const struct ck_tmpl_ldif_opts *o,
    struct ck_err *err);

#endif /* CK_TMPL_H */
