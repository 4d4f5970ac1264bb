#include "ck_grow.h"

#include <stdint.h>
#include <stdlib.h>

void *
ck_grow(void *v, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t nc = *cap ? *cap : (first ? first : 1);
	void *nv;

	if (need <= *cap && v != NULL)
		return v;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return NULL;
		nc *= 2;
	}
	if (elem == 0 || nc > SIZE_MAX / elem || (nv = realloc(v, nc * elem)) == NULL)
		return NULL;
	*cap = nc;
	return nv;
}
