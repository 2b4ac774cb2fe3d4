/* Tests of src/track/dvcs/smart.c: every smart-commit example of connector.md, and groups,
 * ignored prefixes, several lines, case, the caps, #time's split (1.5h, 1w 2d 4h 30m) and the
 * three rules of transition matching. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "track/dvcs/smart.h"
#include "track/issue/duration.h"

/* The commands of message, one "KEY INDEX COMMAND [ARGUMENT]" per entry joined by "; ". */
static const char *parsed(arena *a, const char *message)
{
	array cmds = ARRAY_INIT;
	dvcs_smart_parse(a, message, strlen(message), &cmds);
	buf b = { 0 };
	const dvcs_smart_cmd *c = cmds.items;
	for (size_t i = 0; i < cmds.n; i++)
		buf_printf(&b, "%s%s %d %s [%s]", i ? "; " : "", c[i].key, c[i].index, c[i].command,
		           c[i].argument);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

#define expect(message, want) assert_string_equal(parsed(a, message), want)

static void reference_examples(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("JRA-1 JRA-2 #comment hello #time 1h 30m done",
	       "JRA-1 0 comment [hello]; JRA-2 0 comment [hello]; "
	       "JRA-1 1 time [1h 30m done]; JRA-2 1 time [1h 30m done]");
	expect("JRA-1 #close fixed it JRA-2 #resolve",
	       "JRA-1 0 close [fixed it]; JRA-2 1 resolve []");
	expect("JRA-1 and JRA-2 #close", "JRA-2 0 close []");
	expect("jra-1 #close", "");
	expect("#close fixed it", "");
	expect("JRA-1 fixed it\n#close", "");
	/* the form: <text> KEY <text> #command <arguments> */
	expect("Fixing JRA-34 for real #comment see the tests", "JRA-34 0 comment [see the tests]");
	expect("JRA-12 #time 1w 2d 4h 30m Total work logged",
	       "JRA-12 0 time [1w 2d 4h 30m Total work logged]");
	arena_free(a);
}

static void groups(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("AB-1, AB-2,AB-3 , AB-4 #done", "AB-1 0 done []; AB-2 0 done []; AB-3 0 done []; "
	                                       "AB-4 0 done []");
	expect("AB-1,, AB-2 #done", "AB-2 0 done []");
	expect("AB-1; AB-2 #done", "AB-2 0 done []");
	expect("AB-1 AB-1 #done", "AB-1 0 done []"); /* a key twice in a group: once */
	/* text between the group and its commands keeps the group */
	expect("AB-1 AB-2 the fix #done now", "AB-1 0 done [now]; AB-2 0 done [now]");
	/* a key after a command starts a new group */
	expect("AB-1 #done AB-2 #comment x", "AB-1 0 done []; AB-2 1 comment [x]");
	/* an argument runs to the next key: the key after it has no command */
	expect("AB-1 #comment see AB-2 too", "AB-1 0 comment [see]");
	/* a group with no command, then one with */
	expect("AB-1 text AB-2 AB-3 #start-progress", "AB-2 0 start-progress []; "
	                                              "AB-3 0 start-progress []");
	arena_free(a);
}

static void keys_and_commands(void **state)
{
	(void)state;
	arena *a = arena_new();
	/* keys are case-sensitive and stand alone; the project part has two characters or more */
	expect("Jra-1 #close", "");
	expect("A-1 #close", "");
	expect("A1BC-123 #close", "A1BC-123 0 close []");
	expect("1ABC-1 #close", "");
	expect("MES-123k #close", "");
	expect("(ABC-1) #close", "ABC-1 0 close []");
	expect("ABC-1: #close", "ABC-1 0 close []");
	/* ignored after & = ? > ^ ! ~ / - */
	const char *prefixes = "&=?>^!~/-";
	for (const char *p = prefixes; *p; p++)
		expect(arena_printf(a, "x%cJRA-9 #close", *p), "");
	expect("see https://track.example/browse/JRA-9 JRA-1 #close", "JRA-1 0 close []");
	expect("JRA-1 #comment see /browse/JRA-9 and ?key=JRA-8",
	       "JRA-1 0 comment [see /browse/JRA-9 and ?key=JRA-8]");
	/* '#' starts a command after whitespace or right after a key, not inside a word */
	expect("JRA-1#close", "JRA-1 0 close []");
	expect("JRA-1 #comment see page#anchor", "JRA-1 0 comment [see page#anchor]");
	expect("JRA-1 #comment issue #42 done", "JRA-1 0 comment [issue #42 done]");
	/* comment and time in any case; transitions as written */
	expect("JRA-1 #COMMENT Hi #Time 1h #Resolve", "JRA-1 0 comment [Hi]; JRA-1 1 time [1h]; "
	                                              "JRA-1 2 Resolve []");
	expect("JRA-1 #comment", "JRA-1 0 comment []");
	expect("JRA-1 #comment   spaced   out  ", "JRA-1 0 comment [spaced   out]");
	arena_free(a);
}

static void lines(void **state)
{
	(void)state;
	arena *a = arena_new();
	expect("Subject line JRA-1\n\nJRA-2 #comment first\r\nJRA-3 #time 2h\n#close",
	       "JRA-2 0 comment [first]; JRA-3 1 time [2h]");
	/* the group ends with its line */
	expect("JRA-1\n#comment lost", "");
	expect("JRA-1 #comment one\nline two", "JRA-1 0 comment [one]");
	/* unicode around and inside */
	expect("Ünïcödé JRA-1 #comment caf\xc3\xa9 \xe2\x9c\x93", "JRA-1 0 comment [café ✓]");
	expect("\xc3\xa9JRA-1 #close", "");
	/* bytes that are not text do not stop the scan */
	const char nul[] = "JRA-1 #comment a \0b\nJRA-2 #close";
	array cmds = ARRAY_INIT;
	dvcs_smart_parse(a, nul, sizeof nul - 1, &cmds);
	assert_int_equal(cmds.n, 2);
	assert_string_equal(((dvcs_smart_cmd *)cmds.items)[0].argument, "a"); /* cut, trimmed */
	assert_string_equal(((dvcs_smart_cmd *)cmds.items)[1].key, "JRA-2");
	arena_free(a);
}

static void caps(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b = { 0 };
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "K%d-1 ", i);
	buf_puts(&b, "#close");
	array cmds = ARRAY_INIT;
	dvcs_smart_parse(a, buf_cstr(&b), b.len, &cmds);
	assert_int_equal(cmds.n, DVCS_SMART_MAX_RUNS);
	buf_clear(&b);
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "JRA-1 #c%d\n", i);
	cmds = (array)ARRAY_INIT;
	dvcs_smart_parse(a, buf_cstr(&b), b.len, &cmds);
	assert_int_equal(cmds.n, DVCS_SMART_MAX_COMMANDS);
	assert_int_equal(((dvcs_smart_cmd *)cmds.items)[99].index, 99);
	/* a long message is read in linear time */
	buf_clear(&b);
	for (int i = 0; i < 200000; i++)
		buf_puts(&b, "AB-1 ");
	cmds = (array)ARRAY_INIT;
	dvcs_smart_parse(a, buf_cstr(&b), b.len, &cmds);
	assert_int_equal(cmds.n, 0);
	/* a command word too long to be one is text */
	buf_clear(&b);
	buf_puts(&b, "AB-1 #");
	for (int i = 0; i < DVCS_SMART_WORD_MAX + 1; i++)
		buf_putc(&b, 'x');
	cmds = (array)ARRAY_INIT;
	dvcs_smart_parse(a, buf_cstr(&b), b.len, &cmds);
	assert_int_equal(cmds.n, 0);
	buf_dispose(&b);
	arena_free(a);
}

static int64_t time_seconds(arena *a, const char *argument, const char **comment)
{
	const char *duration = NULL;
	int rc = dvcs_smart_time_split(a, argument, &duration, comment);
	if (rc != 0)
		fail_msg("'%s': %s", argument, err_msg());
	int64_t seconds = -1;
	if (track_duration_parse(&seconds, duration, 8, 5) != 0)
		fail_msg("'%s': %s", duration, err_msg());
	return seconds;
}

static void time_arguments(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *comment = NULL;
	assert_int_equal(time_seconds(a, "1.5h", &comment), 5400);
	assert_string_equal(comment, "");
	assert_int_equal(time_seconds(a, "1w 2d 4h 30m Total work logged", &comment),
	                 (5 * 8 + 2 * 8 + 4) * 3600 + 30 * 60);
	assert_string_equal(comment, "Total work logged");
	assert_int_equal(time_seconds(a, "1h 30m done", &comment), 5400);
	assert_string_equal(comment, "done");
	assert_int_equal(time_seconds(a, "2h30m   fixed  it ", &comment), 9000);
	assert_string_equal(comment, "fixed  it");
	assert_int_equal(time_seconds(a, "0.5d", &comment), 4 * 3600);
	assert_int_equal(time_seconds(a, "3H", &comment), 3 * 3600);
	/* a number without a unit begins the comment, and leaves no duration */
	const char *duration = NULL;
	assert_int_equal(dvcs_smart_time_split(a, "", &duration, &comment), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "needs a duration"));
	assert_int_equal(dvcs_smart_time_split(a, "soon", &duration, &comment), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "'soon'"));
	assert_int_equal(dvcs_smart_time_split(a, "30 minutes", &duration, &comment),
	                 WEFT_EINVALID);
	assert_int_equal(dvcs_smart_time_split(a, "1.h", &duration, &comment), WEFT_EINVALID);
	assert_int_equal(dvcs_smart_time_split(a, "1x", &duration, &comment), WEFT_EINVALID);
	/* split, then refused by the duration's own rules */
	assert_int_equal(dvcs_smart_time_split(a, "1h 2h", &duration, &comment), 0);
	assert_string_equal(duration, "1h 2h");
	int64_t seconds;
	assert_int_equal(track_duration_parse(&seconds, duration, 8, 5), WEFT_EINVALID);
	arena_free(a);
}

static size_t matched(const char *word, const char *const *names, size_t n, size_t *out)
{
	return dvcs_smart_match(word, names, n, out);
}

static void transitions(void **state)
{
	(void)state;
	const char *names[] = { "Start Progress", "Stop Progress", "Done",       "Resolve Issue",
		                "Close",          "Close Issue",   "In Progress" };
	size_t n = sizeof names / sizeof names[0], m[8];
	/* exact, any case, before prefixes */
	assert_int_equal(matched("close", names, n, m), 1);
	assert_string_equal(names[m[0]], "Close");
	assert_int_equal(matched("DONE", names, n, m), 1);
	assert_int_equal(m[0], 2);
	/* a prefix */
	assert_int_equal(matched("resolve", names, n, m), 1);
	assert_string_equal(names[m[0]], "Resolve Issue");
	assert_int_equal(matched("Start", names, n, m), 1);
	/* '-' read as a space, exact or prefix */
	assert_int_equal(matched("start-progress", names, n, m), 1);
	assert_string_equal(names[m[0]], "Start Progress");
	assert_int_equal(matched("in-progress", names, n, m), 1);
	assert_string_equal(names[m[0]], "In Progress");
	assert_int_equal(matched("resolve-iss", names, n, m), 1);
	/* ambiguous and unknown */
	assert_int_equal(matched("st", names, n, m), 2);
	assert_int_equal(m[0], 0);
	assert_int_equal(m[1], 1);
	assert_int_equal(matched("reopen", names, n, m), 0);
	assert_int_equal(matched("progress", names, n, m), 0);
	assert_int_equal(matched("", names, n, m), 0);
	assert_int_equal(matched("x", names, 0, m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_examples),
		cmocka_unit_test(groups),
		cmocka_unit_test(keys_and_commands),
		cmocka_unit_test(lines),
		cmocka_unit_test(caps),
		cmocka_unit_test(time_arguments),
		cmocka_unit_test(transitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
