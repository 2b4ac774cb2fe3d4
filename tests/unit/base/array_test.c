/* Tests of src/base/array.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/array.h"

static void push_keeps_every_element_in_order(void **state)
{
	(void)state;
	arena *a = arena_new();
	array v = ARRAY_INIT;
	for (int i = 0; i < 1000; i++) {
		int *slot = ARRAY_PUSH(a, &v, int);
		assert_int_equal(*slot, 0);
		*slot = i;
	}
	assert_int_equal(v.n, 1000);
	assert_true(v.cap >= v.n);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(((int *)v.items)[i], i);
	arena_free(a);
}

static void room_grows_only_when_full(void **state)
{
	(void)state;
	arena *a = arena_new();
	int64_t *items = NULL;
	size_t n = 0, cap = 0;
	items = array_room(a, items, n, &cap, sizeof *items);
	assert_non_null(items);
	assert_true(cap > 0);
	size_t first = cap;
	int64_t *before = items;
	for (; n < first; n++) {
		items = array_room(a, items, n, &cap, sizeof *items);
		items[n] = (int64_t)n * 3;
	}
	assert_ptr_equal(items, before);
	assert_int_equal(cap, first);
	items = array_room(a, items, n, &cap, sizeof *items);
	assert_true(cap > first);
	items[n++] = -1;
	for (size_t i = 0; i < first; i++)
		assert_int_equal(items[i], (int64_t)i * 3);
	assert_int_equal(items[first], -1);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(push_keeps_every_element_in_order),
		cmocka_unit_test(room_grows_only_when_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
