/* A memory pool whose allocations are all freed at once: each request gets one (STYLE.md §5),
 * so request-scoped strings and lists need no individual free. Not thread-safe: one owner. */
#ifndef WEFT_BASE_ARENA_H
#define WEFT_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "base/buf.h"

typedef struct arena arena;

arena *arena_new(void);
/* Frees every allocation and the arena itself. NULL is allowed. */
void arena_free(arena *a);
/* n bytes aligned for any type, zeroed. Never NULL; dies with the arena. */
void *arena_alloc(arena *a, size_t n);
/* count elements of size bytes each, overflow-checked. */
void *arena_array(arena *a, size_t count, size_t size);
/* Grows an array allocated from the arena (the old one is abandoned, not freed). */
void *arena_grow(arena *a, void *old, size_t old_size, size_t new_size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_slice(arena *a, slice s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for tests and limits). */
size_t arena_used(const arena *a);

#endif
