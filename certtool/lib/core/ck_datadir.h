/*
 * ck_datadir: where certkit's data files (policy/, templates/) are found.
 * One lookup for every tool and module:
 *
 *   1. $CERTKIT_DATADIR/SUB
 *   2. beside the binary, for a build tree: a binary in <tree>/<build>/bin/
 *      uses <tree>/SUB when <tree>/certtool/lib exists
 *   3. the install prefix: CK_DATADIR/SUB (make install: $(PREFIX)/share/certkit)
 *
 * The first of these that is a directory is the data directory of SUB; a
 * set CERTKIT_DATADIR is the only one looked at (a typo is an error, not a
 * silent fallback to the installed data).
 * Before it, the deprecated per-kind variables are searched (they keep
 * working for one release; ck_tool_init prints a deprecation line):
 * CERTKIT_POLICY (a directory) and CERTKIT_POLICY_DIR for "policy",
 * CERTKIT_TEMPLATES for "templates".
 */
#ifndef CK_DATADIR_H
#define CK_DATADIR_H

#include <stddef.h>

#include "ck_err.h"

#define CK_DATADIR_PATH 1024
#define CK_DATADIR_MAX 4

/*
 * The directories searched for data of kind sub ("policy", "templates"), in
 * order: deprecated overrides that are directories, then the one data
 * directory.  Fills dirs[0..n) and returns n (0 when none exists).
 */
size_t ck_datadir_search(const char *sub, char dirs[][CK_DATADIR_PATH], size_t max);

/*
 * The file sub/NAME.EXT (ext without the dot, e.g. "json") in the first
 * directory of ck_datadir_search that holds it, into buf.  Returns 0, or -1
 * with CK_E_NOTFOUND ("no such policy 'amt' in DIR...", the name said once).
 */
int ck_datadir_file(const char *sub, const char *name, const char *ext, char *buf,
    size_t size, struct ck_err *err);

/*
 * The deprecated environment variables that are set, one per call:
 * *i starts at 0; returns the variable's name and sets *use to what
 * replaces it, or NULL when there are no more.
 */
const char *ck_datadir_deprecated(size_t *i, const char **use);

#endif /* CK_DATADIR_H */
