/* Smart commits (connector.md, "Smart commits"): the commands a commit message gives the issues it
 * names — KEY … #comment TEXT, #time 1w 2d 4h 30m TEXT, #TRANSITION TEXT — parsed line by line
 * with the connector's rules, and the pure helpers the runner (smart_run.c) decides with. No I/O:
 * everything here is a function of its input. */
#ifndef WEFT_TRACK_DVCS_SMART_H
#define WEFT_TRACK_DVCS_SMART_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/array.h"

enum {
	DVCS_SMART_MAX_COMMANDS = 100, /* commands read from one message; the rest are ignored */
	DVCS_SMART_MAX_RUNS = 100, /* (key, command) pairs from one message; the rest are ignored */
	DVCS_SMART_WORD_MAX = 64, /* a longer #word is text, not a command */
};

/* One command for one issue. */
typedef struct dvcs_smart_cmd {
	const char *key; /* as written: upper case, e.g. "JRA-12" */
	int index; /* the command's position among the message's commands, from 0 */
	const char *command; /* "comment", "time", or the transition word as written ("close") */
	const char *argument; /* the trimmed text after the command, "" when none */
} dvcs_smart_cmd;

/* Appends to cmds (an array of dvcs_smart_cmd, strings in a) the commands of message[0..len), in
 * order of the commands and, for one command, of the keys of its group. Line by line: keys are
 * case-sensitive ([A-Z][A-Z0-9]+-[0-9]+ standing alone, not directly after one of & = ? > ^ ! ~
 * / -); keys separated only by spaces or a single comma form a group; every #command up to the
 * next key applies to each key of the group; a command's argument runs to the next #command, the
 * next key or the end of the line. A '#' starts a command at the start of a line, after
 * whitespace or directly after a key. Commands before any key of their line do nothing; so does
 * a group without commands. "comment" and "time" are recognised in any case. Reads any bytes;
 * time and memory linear in len, at most DVCS_SMART_MAX_RUNS entries. */
void dvcs_smart_parse(arena *a, const char *message, size_t len, array *cmds);

/* Splits the argument of #time into the duration (the leading words that are NUMBER UNIT parts,
 * "1w 2d 4h 30m", "1.5h", "2h30m", in a) and the rest, the work log's comment (in a, trimmed).
 * WEFT_EINVALID with a message when the argument does not start with a duration. The duration is
 * then read by track_duration_parse, which has the last word on its validity. */
int dvcs_smart_time_split(arena *a, const char *argument, const char **duration,
                          const char **comment);

/* The transitions among names[0..n) that the word of a command names, by the first rule that
 * matches any: the exact name (any case); else names starting with the word (any case); else the
 * same two with each '-' of the word read as a space. Writes the indices of the matches into
 * matches[0..) (room for n) and returns how many there are: 0 is unknown, more than 1
 * ambiguous. */
size_t dvcs_smart_match(const char *word, const char *const *names, size_t n, size_t *matches);

#endif
