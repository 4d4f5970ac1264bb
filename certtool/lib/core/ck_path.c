/* ck_path: file system path helpers. */
#include "ck_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The separator to put between dir and a name: none when dir is empty or ends with one. */
static const char *
sep(const char *dir)
{
	size_t dl = strlen(dir);

	return dl == 0 || dir[dl - 1] == '/' ? "" : "/";
}

char *
ck_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p == NULL)
		return NULL;
	snprintf(p, n, "%s%s%s", dir, sep(dir), name);
	return p;
}

int
ck_path_fmt(char *buf, size_t size, const char *dir, const char *name, const char *ext)
{
	int n = snprintf(buf, size, "%s%s%s%s%s", dir, sep(dir), name, ext ? "." : "",
	    ext ? ext : "");

	return n < 0 || (size_t)n >= size ? -1 : 0;
}
