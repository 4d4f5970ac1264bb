/*
 * ck_tmpl_run: cert-tmpl(1)'s two commands over the templates directory
 * (dir: --templates, or NULL for ck_tmpl_dir's default).
 *
 * A template that cannot be found, read or generated is reported (stderr,
 * and an `error` record in its place when the output is JSON) and the run
 * goes on with the next; the status is then CK_UNKNOWN, else CK_OK.
 */
#ifndef CK_TMPL_RUN_H
#define CK_TMPL_RUN_H

#include <stddef.h>

#include "ck_tmpl.h"

/*
 * list: every template of the directory, in file name order, as a
 * `template` record (CK_FMT_JSON) or one line (CK_FMT_TEXT): file stem,
 * name, schema version, display name, EKUs.  Returns the status.
 */
int ck_tmpl_run_list(const char *dir, int format);

/*
 * generate: each of names[0..n) (ck_tmpl_find) with lo's overrides applied
 * (ck_tmpl_apply), as a `template` record, or (ldif 1) as its LDIF entry
 * (ck_tmpl_ldif).  Returns the status.
 */
int ck_tmpl_run_generate(const char *dir, const char *const *names, size_t n,
    const struct ck_tmpl_ldif_opts *lo, int ldif);

#endif /* CK_TMPL_RUN_H */
