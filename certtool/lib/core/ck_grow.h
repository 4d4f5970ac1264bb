/*
 * ck_grow: the one way an array grows by one more element (doubling, with
 * the size checked for overflow), instead of a realloc dance at each site.
 *
 *	if ((nv = ck_grow(a->v, &a->cap, a->n + 1, sizeof(*a->v), 8)) == NULL)
 *		return -1;
 *	a->v = nv;
 */
#ifndef CK_GROW_H
#define CK_GROW_H

#include <stddef.h>

/*
 * Returns v with room for at least need elements of elem bytes: v itself
 * when *cap already suffices, else v reallocated to twice *cap (first when
 * *cap is 0, more if need asks) and *cap updated.  Returns NULL when out of
 * memory or the size would overflow; then v is still valid and *cap
 * unchanged.
 */
void *ck_grow(void *v, size_t *cap, size_t need, size_t elem, size_t first);

#endif /* CK_GROW_H */
