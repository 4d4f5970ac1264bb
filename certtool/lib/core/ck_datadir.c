#include "ck_datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck_path.h"

#ifndef CK_DATADIR
#define CK_DATADIR "/usr/local/share/certkit"
#endif

/* The deprecated per-kind variables, searched before the data directory. */
static const struct {
	const char *var, *sub;
} old_vars[] = {
	{ "CERTKIT_POLICY", "policy" },
	{ "CERTKIT_POLICY_DIR", "policy" },
	{ "CERTKIT_TEMPLATES", "templates" },
};

#define NOLD (sizeof(old_vars) / sizeof(old_vars[0]))

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <tree> when this binary is <tree>/<build>/bin/NAME and <tree>/certtool/lib exists. */
static int
build_tree(char *tree, size_t size)
{
	char exe[PATH_MAX], probe[PATH_MAX + 16], *s;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int i;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((s = strrchr(exe, '/')) == NULL)
			return -1;
		*s = '\0';
	}
	snprintf(probe, sizeof(probe), "%s/certtool/lib", exe);
	if (!is_dir(probe) || strlen(exe) >= size)
		return -1;
	snprintf(tree, size, "%s", exe);
	return 0;
}

size_t
ck_datadir_search(const char *sub, char dirs[][CK_DATADIR_PATH], size_t max)
{
	char tree[CK_DATADIR_PATH];
	const char *env;
	size_t i, n = 0;

	for (i = 0; i < NOLD && n < max; i++) {
		env = getenv(old_vars[i].var);
		if (strcmp(old_vars[i].sub, sub) == 0 && env != NULL && *env != '\0' &&
		    is_dir(env) && strlen(env) < CK_DATADIR_PATH)
			snprintf(dirs[n++], CK_DATADIR_PATH, "%s", env);
	}
	if (n >= max)
		return n;
	env = getenv("CERTKIT_DATADIR");
	if (env != NULL && *env != '\0')	/* when set, it is the one data directory */
		return ck_path_fmt(dirs[n], CK_DATADIR_PATH, env, sub, NULL) == 0 &&
		    is_dir(dirs[n]) ? n + 1 : n;
	if (build_tree(tree, sizeof(tree)) == 0 &&
	    ck_path_fmt(dirs[n], CK_DATADIR_PATH, tree, sub, NULL) == 0 &&
	    is_dir(dirs[n]))
		return n + 1;
	if (ck_path_fmt(dirs[n], CK_DATADIR_PATH, CK_DATADIR, sub, NULL) == 0 &&
	    is_dir(dirs[n]))
		return n + 1;
	return n;
}

int
ck_datadir_file(const char *sub, const char *name, const char *ext, char *buf, size_t size,
    struct ck_err *err)
{
	char dirs[CK_DATADIR_MAX][CK_DATADIR_PATH];
	size_t i, n = ck_datadir_search(sub, dirs, CK_DATADIR_MAX);

	for (i = 0; i < n; i++)
		if (ck_path_fmt(buf, size, dirs[i], name, ext) == 0 &&
		    access(buf, R_OK) == 0)
			return 0;
	if (n == 0 && getenv("CERTKIT_DATADIR") != NULL && *getenv("CERTKIT_DATADIR") != '\0')
		return ck_err_set(err, CK_E_NOTFOUND, "no such %s '%s': CERTKIT_DATADIR has no "
		    "%s/ directory", sub, name, sub);
	if (n == 0)
		return ck_err_set(err, CK_E_NOTFOUND, "no such %s '%s': no %s directory in %s "
		    "(set CERTKIT_DATADIR)", sub, name, sub, CK_DATADIR);
	return ck_err_set(err, CK_E_NOTFOUND, "no such %s '%s' in %s%s", sub, name, dirs[n - 1],
	    n > 1 ? " (and the directories before it)" : "");
}

const char *
ck_datadir_deprecated(size_t *i, const char **use)
{
	const char *env;

	for (; *i < NOLD; (*i)++) {
		env = getenv(old_vars[*i].var);
		if (env != NULL && *env != '\0') {
			*use = strcmp(old_vars[*i].sub, "policy") == 0 ?
			    "CERTKIT_DATADIR (its policy/ directory) or --policy FILE" :
			    "CERTKIT_DATADIR (its templates/ directory) or --templates DIR";
			return old_vars[(*i)++].var;
		}
	}
	return NULL;
}
