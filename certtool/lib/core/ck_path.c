/* ck_path: file system path helpers. */
#include "ck_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
ck_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), n = dl + strlen(name) + 2;
	char *p = malloc(n);

	if (p == NULL)
		return NULL;
	snprintf(p, n, "%s%s%s", dir, dl == 0 || dir[dl - 1] == '/' ? "" : "/", name);
	return p;
}
