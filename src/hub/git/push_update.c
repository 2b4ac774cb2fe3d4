/* One ref update of a push: parsing the hook's line and checking its ref and hashes. */
#include "hub/git/push_update.h"

#include <string.h>

#include "base/err.h"

bool hub_push_update_is_zero(const char *hash)
{
	return *hash && strspn(hash, "0") == strlen(hash);
}

static bool is_hash(const char *s)
{
	size_t n = strlen(s);
	return (n == 40 || n == 64) && strspn(s, "0123456789abcdef") == n;
}

static bool is_ref(const char *s)
{
	size_t n = strlen(s);
	if (n <= 5 || n > PUSH_REF_MAX || strncmp(s, "refs/", 5) != 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

int hub_push_update_check(const push_update *u)
{
	if (!u->ref || !is_ref(u->ref) || !u->old_hash || !is_hash(u->old_hash) || !u->new_hash ||
	    !is_hash(u->new_hash))
		return err_fail(WEFT_EINVALID, "not a ref update: %.80s",
		                u->ref ? u->ref : "(no ref)");
	return 0;
}

int hub_push_update_parse(push_update *out, char *line)
{
	size_t len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	char *first = strchr(line, ' ');
	char *second = first ? strchr(first + 1, ' ') : NULL;
	if (!second)
		return err_fail(WEFT_EINVALID, "expected \"OLD NEW REF\", got: %.80s", line);
	*first = *second = '\0';
	push_update u = { second + 1, line, first + 1 };
	int rc = hub_push_update_check(&u);
	if (rc == 0)
		*out = u;
	return rc;
}
