/* Smart commits: the parser of a commit message's commands, by one forward scan of each line (no
 * regular expressions, no backtracking), and the helpers that read #time and match transitions. */
#include "track/dvcs/smart.h"

#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "track/dvcs/keys.h"

/* What the scan of one line knows. */
typedef struct line_state {
	arena *a;
	array *cmds;
	array group; /* const char *: the keys the next commands apply to */
	bool group_open; /* only spaces and at most one comma since the group's last key */
	int commas;
	size_t key_end; /* where the last key ended (a '#' right there starts a command) */
	const char *word; /* the pending command's word, NULL when none */
	size_t word_len;
	size_t arg_start;
	int *next_index; /* the message's count of commands so far */
} line_state;

static bool is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z');
}

/* As keys.c: bytes of multi-byte UTF-8 characters join words too. */
static bool is_word(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c >= 0x80;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The length of the case-sensitive key at s[i] (a word start), or 0: an upper-case letter, one
 * or more upper-case letters or digits, '-', digits, and no word character after them. */
static size_t key_length(const unsigned char *s, size_t len, size_t i)
{
	size_t j = i;
	if (!is_upper(s[j]))
		return 0;
	while (j < len && (is_upper(s[j]) || is_digit(s[j])))
		j++;
	if (j - i < 2 || j >= len || s[j] != '-')
		return 0;
	size_t digits = ++j;
	while (j < len && is_digit(s[j]))
		j++;
	if (j == digits || (j < len && is_word(s[j])) || j - i > DVCS_KEY_MAX)
		return 0;
	return j - i;
}

/* A key right after one of these is part of a URL or an expression, not a command's target. */
static bool ignored_after(const unsigned char *s, size_t line_start, size_t i)
{
	return i > line_start && strchr("&=?>^!~/-", s[i - 1]) != NULL && s[i - 1] != '\0';
}

/* The length of the command word after the '#' at s[i], or 0 when none: a letter, then letters,
 * digits, '_' or '-', at most DVCS_SMART_WORD_MAX. */
static size_t word_length(const unsigned char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	if (j >= len || !is_alpha(s[j]))
		return 0;
	while (j < len && (is_alpha(s[j]) || is_digit(s[j]) || s[j] == '_' || s[j] == '-'))
		j++;
	return j - i - 1 > DVCS_SMART_WORD_MAX ? 0 : j - i - 1;
}

static size_t total_runs(const line_state *st)
{
	return st->cmds->n;
}

static const char *command_name(arena *a, const char *word, size_t n)
{
	if (n == 7 && strncasecmp(word, "comment", 7) == 0)
		return "comment";
	if (n == 4 && strncasecmp(word, "time", 4) == 0)
		return "time";
	return arena_strndup(a, word, n);
}

/* Ends the pending command at end: one entry per key of the group. */
static void finish_command(line_state *st, const char *text, size_t end)
{
	if (!st->word)
		return;
	size_t from = st->arg_start;
	while (from < end && is_space((unsigned char)text[from]))
		from++;
	const char *nul = memchr(text + from, '\0', end - from);
	if (nul)
		end = (size_t)(nul - text); /* the argument is a C string: it ends there */
	while (end > from && is_space((unsigned char)text[end - 1]))
		end--;
	const char *command = command_name(st->a, st->word, st->word_len);
	const char *argument = arena_strndup(st->a, text + from, end - from);
	const char *const *keys = st->group.items;
	int index = (*st->next_index)++;
	for (size_t k = 0; k < st->group.n && total_runs(st) < DVCS_SMART_MAX_RUNS; k++)
		*ARRAY_PUSH(st->a, st->cmds, dvcs_smart_cmd) =
		        (dvcs_smart_cmd){ keys[k], index, command, argument };
	st->word = NULL;
}

static bool in_group(const array *group, const char *key)
{
	const char *const *keys = group->items;
	for (size_t k = 0; k < group->n; k++)
		if (strcmp(keys[k], key) == 0)
			return true;
	return false;
}

/* A key: it joins the open group, or starts a new one. */
static void take_key(line_state *st, const char *text, size_t i, size_t n)
{
	finish_command(st, text, i);
	if (!st->group_open)
		st->group = (array)ARRAY_INIT;
	const char *key = arena_strndup(st->a, text + i, n);
	if (st->group.n < DVCS_SMART_MAX_RUNS && !in_group(&st->group, key))
		*ARRAY_PUSH(st->a, &st->group, const char *) = key;
	st->group_open = true;
	st->commas = 0;
	st->key_end = i + n;
}

/* A '#word' at i: it ends the pending command and starts its own when the line has a group. */
static void take_command(line_state *st, const char *text, size_t i, size_t n)
{
	finish_command(st, text, i);
	st->group_open = false;
	if (st->group.n == 0 || *st->next_index >= DVCS_SMART_MAX_COMMANDS)
		return;
	st->word = text + i + 1;
	st->word_len = n;
	st->arg_start = i + 1 + n;
}

static bool starts_command(const line_state *st, const unsigned char *s, size_t start, size_t i)
{
	return s[i] == '#' && (i == start || is_space(s[i - 1]) || i == st->key_end);
}

/* Scans text[start..end), one line. */
static void parse_line(line_state *st, const char *text, size_t start, size_t end)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = start, n;
	st->group = (array)ARRAY_INIT;
	st->group_open = false;
	st->key_end = (size_t)-1;
	st->word = NULL;
	while (i < end) {
		if (is_space(s[i])) {
			i++;
		} else if (starts_command(st, s, start, i) && (n = word_length(s, end, i)) > 0) {
			take_command(st, text, i, n);
			i += n + 1;
		} else if (is_word(s[i])) {
			n = key_length(s, end, i);
			if (n > 0 && !ignored_after(s, start, i)) {
				take_key(st, text, i, n);
				i += n;
				continue;
			}
			st->group_open = false;
			while (i < end && is_word(s[i]))
				i++;
		} else {
			st->group_open = st->group_open && s[i] == ',' && st->commas++ == 0;
			i++;
		}
	}
	finish_command(st, text, end);
}

void dvcs_smart_parse(arena *a, const char *message, size_t len, array *cmds)
{
	int next_index = 0;
	line_state st = { .a = a, .cmds = cmds, .next_index = &next_index };
	size_t start = 0;
	while (start < len && next_index < DVCS_SMART_MAX_COMMANDS &&
	       cmds->n < DVCS_SMART_MAX_RUNS) {
		const char *nl = memchr(message + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - message) : len;
		parse_line(&st, message, start, end);
		start = end + 1;
	}
}

/* ---- #time ---- */

/* Whether s[0..n) is one or more NUMBER UNIT parts: "4h", "1.5h", "2h30m". */
static bool duration_word(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0)
		return false;
	while (i < n) {
		size_t digits = i;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		if (i == digits)
			return false;
		if (i < n && s[i] == '.') {
			size_t frac = ++i;
			while (i < n && is_digit((unsigned char)s[i]))
				i++;
			if (i == frac)
				return false;
		}
		if (i >= n || !strchr("wdhmWDHM", s[i]))
			return false;
		i++;
	}
	return true;
}

int dvcs_smart_time_split(arena *a, const char *argument, const char **duration,
                          const char **comment)
{
	const char *p = argument, *end = argument;
	while (*p) {
		while (is_space((unsigned char)*p))
			p++;
		size_t n = 0;
		while (p[n] && !is_space((unsigned char)p[n]))
			n++;
		if (!duration_word(p, n))
			break;
		p += n;
		end = p;
	}
	while (is_space((unsigned char)*p))
		p++;
	if (end == argument) {
		if (*argument == '\0')
			return err_fail(WEFT_EINVALID,
			                "#time needs a duration, as in #time 1w 2d 4h 30m");
		size_t n = strcspn(argument, " \t\r\v\f");
		return err_fail(
		        WEFT_EINVALID,
		        "Invalid duration '%.*s': use w, d, h and m as in #time 1w 2d 4h 30m",
		        (int)(n > 32 ? 32 : n), argument);
	}
	size_t rest = strlen(p);
	while (rest > 0 && is_space((unsigned char)p[rest - 1]))
		rest--;
	*duration = arena_strndup(a, argument, (size_t)(end - argument));
	*comment = arena_strndup(a, p, rest);
	return 0;
}

/* ---- transitions ---- */

/* Matches word against the names, exactly (prefix false) or as a prefix of each. */
static size_t collect(const char *word, size_t len, const char *const *names, size_t n, bool prefix,
                      size_t *matches)
{
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		size_t name_len = strlen(names[i]);
		bool same = prefix ? name_len >= len && strncasecmp(names[i], word, len) == 0
		                   : name_len == len && strncasecmp(names[i], word, len) == 0;
		if (same)
			matches[found++] = i;
	}
	return found;
}

static size_t match_rules(const char *word, const char *const *names, size_t n, size_t *matches)
{
	size_t len = strlen(word);
	size_t found = collect(word, len, names, n, false, matches);
	if (found == 0 && len > 0)
		found = collect(word, len, names, n, true, matches);
	return found;
}

size_t dvcs_smart_match(const char *word, const char *const *names, size_t n, size_t *matches)
{
	size_t found = match_rules(word, names, n, matches);
	if (found > 0 || !strchr(word, '-'))
		return found;
	char spaced[DVCS_SMART_WORD_MAX + 1];
	size_t len = strlen(word);
	if (len > DVCS_SMART_WORD_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++)
		spaced[i] = word[i] == '-' ? ' ' : word[i];
	return match_rules(spaced, names, n, matches);
}
