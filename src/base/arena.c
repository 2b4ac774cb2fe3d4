/* A chain of blocks; large requests get a block of their own so that small ones keep packing. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { BLOCK_SIZE = 8192, ALIGN = _Alignof(max_align_t) };

typedef struct block {
	struct block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	max_align_t data[];
} block;

struct arena {
	block *head;
	size_t handed_out;
};

static block *block_new(size_t size, block *next)
{
	block *b = mem_alloc(mem_add(sizeof(block), size));
	b->next = next;
	b->size = size;
	b->used = 0;
	return b;
}

arena *arena_new(void)
{
	arena *a = mem_zalloc(sizeof *a);
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	for (block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *arena_alloc(arena *a, size_t n)
{
	size_t rounded = mem_add(n, ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (rounded == 0)
		rounded = ALIGN;
	block *b = a->head;
	if (rounded > BLOCK_SIZE / 4) {
		/* A big allocation: its own block, linked behind the current one so the current one
		 * stays in front for small allocations. */
		block *big = block_new(rounded, b ? b->next : NULL);
		if (b)
			b->next = big;
		else
			a->head = big;
		big->used = rounded;
		a->handed_out += rounded;
		memset(big->data, 0, rounded);
		return big->data;
	}
	if (!b || b->size - b->used < rounded)
		b = a->head = block_new(BLOCK_SIZE, a->head);
	void *p = (char *)b->data + b->used;
	b->used += rounded;
	a->handed_out += rounded;
	memset(p, 0, rounded);
	return p;
}

void *arena_array(arena *a, size_t count, size_t size)
{
	return arena_alloc(a, mem_mul(count, size));
}

void *arena_grow(arena *a, void *old, size_t old_size, size_t new_size)
{
	void *p = arena_alloc(a, new_size);
	if (old && old_size)
		memcpy(p, old, old_size < new_size ? old_size : new_size);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, mem_add(n, 1));
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_slice(arena *a, slice s)
{
	return arena_strndup(a, s.ptr, s.len);
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *p = arena_strndup(a, buf_cstr(&b), b.len);
	buf_dispose(&b);
	return p;
}

size_t arena_used(const arena *a)
{
	return a->handed_out;
}
