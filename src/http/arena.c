/* A request's memory: blocks chained from the newest, each bump-allocated,
 * all freed in one call when the response is done — so a handler never
 * frees what it took, and nothing a request took outlives it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define BLOCK_SIZE 8192

struct arena_block {
	arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *arena_alloc(arena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		if (!(b = malloc(sizeof *b + cap)))
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free(arena *a)
{
	while (a->head) {
		arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
}
