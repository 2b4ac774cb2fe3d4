/* A growable array in an arena (as libgit2's git_array_t, but arena-backed): the list type every
 * query, parser and page builder appends to. Growing abandons the old storage to the arena;
 * nothing is freed by hand. Not thread-safe: one owner, like its arena. */
#ifndef WEFT_BASE_ARRAY_H
#define WEFT_BASE_ARRAY_H

#include <stddef.h>

#include "base/arena.h"

typedef struct array {
	void *items; /* NULL while n is 0 */
	size_t n; /* elements in use */
	size_t cap; /* elements allocated */
} array;

#define ARRAY_INIT         \
	{                  \
		NULL, 0, 0 \
	}

/* Appends one zeroed element of size bytes to v, growing it from a (doubling, the sizes
 * overflow-checked as arena_array's), and returns it. Never NULL. */
void *array_push(arena *a, array *v, size_t size);

/* Makes room for element n of a typed list held as a pointer and a capacity (items, *cap
 * elements of size bytes) in a: returns items, or its grown copy with *cap raised (doubling as
 * array_push; the old storage is left to the arena). For lists whose typed pointer sits in a
 * struct or an output parameter: `l->items = array_room(a, l->items, l->n, &l->cap, sizeof
 * *l->items);` then `l->items[l->n++] = x;`. Never NULL. */
void *array_room(arena *a, void *items, size_t n, size_t *cap, size_t size);

/* Typed shorthand: ARRAY_PUSH(a, &v, hub_group) is a hub_group * to fill. */
#define ARRAY_PUSH(a, v, type) ((type *)array_push((a), (v), sizeof(type)))

#endif
