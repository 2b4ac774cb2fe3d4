/* A growable array in an arena (array.h). */
#include "base/array.h"

#include "base/mem.h"

enum { ARRAY_FIRST = 8 };

void *array_room(arena *a, void *items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	size_t grown = *cap ? mem_mul(*cap, 2) : ARRAY_FIRST;
	items = arena_grow(a, items, *cap * size, mem_mul(grown, size));
	*cap = grown;
	return items;
}

void *array_push(arena *a, array *v, size_t size)
{
	v->items = array_room(a, v->items, v->n, &v->cap, size);
	return (char *)v->items + v->n++ * size;
}
