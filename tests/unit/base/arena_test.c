/* Tests of src/base/arena.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/arena.h"

static void allocations_are_zeroed_and_aligned(void **state)
{
	(void)state;
	arena *a = arena_new();
	for (int i = 0; i < 5000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		unsigned char *p = arena_alloc(a, n);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t j = 0; j < n; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xAB, n);
	}
	arena_free(a);
}

static void large_allocations_do_not_disturb_small_ones(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *small = arena_strdup(a, "first");
	char *big = arena_alloc(a, 1 << 20);
	memset(big, 'x', 1 << 20);
	char *after = arena_strdup(a, "second");
	assert_string_equal(small, "first");
	assert_string_equal(after, "second");
	assert_true(arena_used(a) >= (1u << 20));
	arena_free(a);
}

static void string_helpers_copy(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_printf(a, "%s=%d", "n", 7), "n=7");
	assert_string_equal(arena_slice(a, SLICE("slice")), "slice");
	int *nums = arena_array(a, 4, sizeof *nums);
	nums[3] = 9;
	int *more = arena_grow(a, nums, 4 * sizeof *nums, 8 * sizeof *nums);
	assert_int_equal(more[3], 9);
	assert_int_equal(more[7], 0);
	arena_free(a);
	arena_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocations_are_zeroed_and_aligned),
		cmocka_unit_test(large_allocations_do_not_disturb_small_ones),
		cmocka_unit_test(string_helpers_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
