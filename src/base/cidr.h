/* Lists of IP addresses and networks ("10.0.0.0/8, 192.0.2.7, ::1, fd00::/8"), for settings such
 * as the trusted proxies, and the test whether an address falls in one of them. IPv4 addresses
 * written as IPv6 (::ffff:192.0.2.7) count as IPv4. */
#ifndef WEFT_BASE_CIDR_H
#define WEFT_BASE_CIDR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cidr {
	unsigned char addr[16]; /* IPv4 in the first 4 bytes */
	int family; /* 4 or 6 */
	int bits; /* the prefix length */
} cidr;

typedef struct cidr_list {
	cidr *items;
	size_t n;
} cidr_list;

/* Parses a list separated by commas and/or spaces (empty: an empty list). WEFT_EINVALID naming
 * the entry that is not an address or ADDRESS/BITS; out is then empty. Dispose with
 * cidr_list_dispose. */
int cidr_list_parse(cidr_list *out, const char *text);
void cidr_list_dispose(cidr_list *list);

/* Whether address (text, as inet_ntop writes it) is in one of list's networks; false for text
 * that is no address. */
bool cidr_list_contains(const cidr_list *list, const char *address);

#endif
