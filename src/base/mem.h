/* Allocation that cannot fail. A server that runs out of memory cannot answer anyone sensibly, so
 * an allocation failure is treated like an assertion: it logs and aborts (as redis does). */
#ifndef WEFT_BASE_MEM_H
#define WEFT_BASE_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n); /* malloc; never NULL */
void *mem_zalloc(size_t n); /* calloc of n bytes; never NULL */
void *mem_realloc(void *p, size_t n); /* realloc; never NULL */
char *mem_strdup(const char *s); /* strdup; never NULL */
char *mem_strndup(const char *s, size_t n);

/* a * b, aborting on overflow: sizes derived from input go through this (STYLE.md §5). */
size_t mem_mul(size_t a, size_t b);
/* a + b, aborting on overflow. */
size_t mem_add(size_t a, size_t b);

#endif
