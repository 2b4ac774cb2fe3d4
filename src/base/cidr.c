/* Address lists: parsing with inet_pton and prefix matching byte by byte. */
#include "base/cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

enum { MAX_ENTRY = 64 };

static const unsigned char V4_MAPPED[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An address in text, as family 4 or 6 (a v4-mapped IPv6 address as 4); 0 when it is none. */
static int parse_address(unsigned char out[16], const char *text)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) != 1)
		return 0;
	if (memcmp(out, V4_MAPPED, sizeof V4_MAPPED) != 0)
		return 6;
	memmove(out, out + 12, 4);
	memset(out + 4, 0, 12);
	return 4;
}

static int parse_entry(cidr *out, const char *entry)
{
	char text[MAX_ENTRY];
	snprintf(text, sizeof text, "%s", entry);
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	out->family = strlen(entry) < MAX_ENTRY ? parse_address(out->addr, text) : 0;
	int max_bits = out->family == 4 ? 32 : 128;
	out->bits = max_bits;
	if (out->family && slash) {
		char *end = NULL;
		long bits = strtol(slash + 1, &end, 10);
		bool valid = slash[1] >= '0' && slash[1] <= '9' && *end == '\0' && bits <= max_bits;
		out->bits = valid ? (int)bits : -1;
	}
	if (!out->family || out->bits < 0)
		return err_fail(WEFT_EINVALID, "'%s' is not an address or ADDRESS/BITS", entry);
	return 0;
}

int cidr_list_parse(cidr_list *out, const char *text)
{
	*out = (cidr_list){ 0 };
	char *copy = mem_strdup(text ? text : "");
	size_t cap = 1;
	for (const char *p = copy; *p; p++)
		cap += *p == ',' || *p == ' ';
	cidr *items = mem_zalloc(mem_mul(cap, sizeof *items));
	size_t n = 0;
	int rc = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ", \t", &save); tok && rc == 0;
	     tok = strtok_r(NULL, ", \t", &save))
		rc = parse_entry(&items[n++], tok);
	free(copy);
	if (rc < 0) {
		free(items);
		return rc;
	}
	*out = (cidr_list){ items, n };
	return 0;
}

void cidr_list_dispose(cidr_list *list)
{
	free(list->items);
	*list = (cidr_list){ 0 };
}

static bool in_network(const cidr *net, int family, const unsigned char addr[16])
{
	if (net->family != family)
		return false;
	int whole = net->bits / 8, rest = net->bits % 8;
	if (memcmp(net->addr, addr, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[whole] & mask) == (addr[whole] & mask);
}

bool cidr_list_contains(const cidr_list *list, const char *address)
{
	unsigned char addr[16];
	int family = address ? parse_address(addr, address) : 0;
	for (size_t i = 0; family && i < list->n; i++)
		if (in_network(&list->items[i], family, addr))
			return true;
	return false;
}
