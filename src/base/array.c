/* A growable array in an arena (array.h). */
#include "base/array.h"

#include "base/mem.h"

enum { ARRAY_FIRST = 8 };

void *array_push(arena *a, array *v, size_t size)
{
	if (v->n == v->cap) {
		size_t grown = v->cap ? mem_mul(v->cap, 2) : ARRAY_FIRST;
		v->items = arena_grow(a, v->items, v->cap * size, mem_mul(grown, size));
		v->cap = grown;
	}
	return (char *)v->items + v->n++ * size;
}
