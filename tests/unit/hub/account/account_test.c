/* Tests of src/hub/account.c and what signing in rests on (src/web/session.c, src/web/throttle.c,
 * src/base/password.c), on both engines: every validation rule at its boundaries, creating users
 * with their workspace and email, refusals that leave nothing behind, lookups, credentials,
 * deactivation, sessions and the throttle of failed sign-ins. */
#include "../../db/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "db/migrate.h"
#include "hub/account/account.h"
#include "web/session.h"
#include "web/throttle.h"

enum { LONG_MAX_BYTES = 1024 };

static const char grinning[] = "\xF0\x9F\x98\x80"; /* U+1F600, 4 bytes */
static const char e_acute[] = "\xC3\xA9"; /* U+00E9, 2 bytes */

/* unit repeated n times, in a static-size buffer owned by the caller. */
static const char *repeat(char out[LONG_MAX_BYTES], const char *unit, size_t n)
{
	size_t len = strlen(unit);
	assert_true(len * n < LONG_MAX_BYTES);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, unit, len);
	out[len * n] = '\0';
	return out;
}

/* Failed checks of the current test, each reported at once, so that one broken rule does not
 * hide the others; the test fails at its end (settle). */
static int soft_failures;

static void settle(void)
{
	int n = soft_failures;
	soft_failures = 0;
	if (n)
		fail_msg("%d check(s) above failed", n);
}

/* rc is WEFT_EINVALID and the message names the field (it starts with "Field:"). */
static void refused(int rc, const char *field, const char *what)
{
	if (rc != WEFT_EINVALID) {
		print_error("%s: expected WEFT_EINVALID, got %d (%s)\n", what, rc,
		            rc ? err_msg() : "accepted");
		soft_failures++;
	} else if (strncmp(err_msg(), field, strlen(field)) != 0) {
		print_error("%s: expected a message starting with '%s', got '%s'\n", what, field,
		            err_msg());
		soft_failures++;
	}
}

static void accepted(int rc, const char *what)
{
	if (rc != 0) {
		print_error("%s: expected 0, got %d (%s)\n", what, rc, err_msg());
		soft_failures++;
	}
}

/* ---- the rules -------------------------------------------------------------------------- */

static void usernames_have_lengths_and_characters(void **state)
{
	(void)state;
	soft_failures = 0; /* what a test that failed half-way left */
	char s[LONG_MAX_BYTES];
	accepted(hub_account_check_username("a"), "1 character");
	accepted(hub_account_check_username(repeat(s, "a", 30)), "30 characters");
	accepted(hub_account_check_username("Zed_9_x"), "letters, digits, underscore");
	accepted(hub_account_check_username("_"), "an underscore alone");
	accepted(hub_account_check_username("0123"), "digits alone");
	refused(hub_account_check_username(""), "Username:", "0 characters");
	refused(hub_account_check_username(repeat(s, "a", 31)), "Username:", "31 characters");
	const char *bad[] = { "a b", "a-b", "a.b", "j\xC3\xBCrgen", "a@b", "a/b",   "a\tb",
		              " ab", "ab ", "a+b", "a%2Fb",         "a'b", grinning };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(hub_account_check_username(bad[i]), "Username:", bad[i]);
	/* 15 two-byte characters are 30 bytes but not letters */
	refused(hub_account_check_username(repeat(s, e_acute, 15)), "Username:", "15 x U+00E9");
	settle();
}

static void reserved_names_are_refused_in_any_case(void **state)
{
	(void)state;
	soft_failures = 0; /* what a test that failed half-way left */
	const char *reserved[] = { "Admin",   "ADMIN",  "admin",  "API",    "site",  "SiTe",
		                   "account", "status", "STATUS", "static", "login", "LogIn" };
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
		assert_true(hub_account_is_reserved(reserved[i]));
		refused(hub_account_check_username(reserved[i]), "Username:", reserved[i]);
		if (!strstr(err_msg(), "reserved")) {
			print_error("%s: the message should say the name is reserved: %s\n",
			            reserved[i], err_msg());
			soft_failures++;
		}
	}
	/* only whole names are reserved */
	const char *free_names[] = { "admins_team", "administrator", "apis",   "site1",
		                     "my_login",    "statuses",      "staticx" };
	for (size_t i = 0; i < sizeof free_names / sizeof free_names[0]; i++) {
		assert_false(hub_account_is_reserved(free_names[i]));
		accepted(hub_account_check_username(free_names[i]), free_names[i]);
	}
	settle();
}

/* local@ddd….ddd….io, exactly bytes long, with domain labels of at most 60 bytes (DNS allows 63). */
static const char *email_of_length(char out[LONG_MAX_BYTES], size_t bytes)
{
	assert_true(bytes > 10 && bytes < LONG_MAX_BYTES);
	size_t len = (size_t)sprintf(out, "local@");
	size_t label = 0;
	while (len < bytes - 3) {
		bool dot = label == 60 && len + 1 < bytes - 3;
		out[len++] = dot ? '.' : 'd';
		label = dot ? 0 : label + 1;
	}
	memcpy(out + len, ".io", 4);
	assert_int_equal(strlen(out), bytes);
	return out;
}

static void emails_have_one_address_form(void **state)
{
	(void)state;
	soft_failures = 0; /* what a test that failed half-way left */
	const char *good[] = { "a@b.co",
		               "alice@example.com",
		               "First.Last+tag@sub.example.org",
		               "ALICE@EXAMPLE.COM",
		               "x_y-z@d-1.io",
		               "1@2.3" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		accepted(hub_account_check_email(good[i]), good[i]);
	char s[LONG_MAX_BYTES];
	accepted(hub_account_check_email(email_of_length(s, 254)), "254 bytes");
	refused(hub_account_check_email(email_of_length(s, 255)), "Email:", "255 bytes");
	const char *bad[] = {
		"", /* empty */
		"alice.example.com", /* no @ */
		"alice@@example.com",
		"a@b@example.com", /* two @ */
		"alice@localhost", /* no dot in the domain */
		"alice@example.com.",
		"alice@example.", /* a trailing dot */
		"@example.com",
		"alice@.com",
		"alice@", /* empty parts */
		"al ice@example.com",
		" alice@example.com",
		"alice@example.com ", /* spaces */
		"<alice@example.com>",
		"a<b@example.com",
		"alice@exa>mple.com", /* angle brackets */
		"a,b@example.com",
		"alice@example.com,bob@example.com", /* lists */
		"alice@example.com\r\nBcc: eve@example.com",
		"alice@exam\nple.com", /* header smuggling */
		"a;b@example.com",
		"\"a\"@example.com",
		"a(b)@example.com",
		"a\\b@example.com",
		"j\xC3\xBCrgen@example.com", /* not ASCII */
		"a\x7f@example.com",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(hub_account_check_email(bad[i]), "Email:", bad[i]);
	settle();
}

static void passwords_count_characters_not_bytes(void **state)
{
	(void)state;
	soft_failures = 0; /* what a test that failed half-way left */
	char s[LONG_MAX_BYTES];
	accepted(hub_account_check_password("abcdefgh", NULL, NULL), "8 ASCII characters");
	refused(hub_account_check_password("abcdefg", NULL, NULL),
	        "Password:", "7 ASCII characters");
	refused(hub_account_check_password("", NULL, NULL), "Password:", "empty");
	accepted(hub_account_check_password(repeat(s, "x", 128), NULL, NULL), "128 characters");
	refused(hub_account_check_password(repeat(s, "x", 129), NULL, NULL),
	        "Password:", "129 characters");
	accepted(hub_account_check_password(repeat(s, grinning, 8), NULL, NULL),
	         "8 emoji (32 bytes)");
	refused(hub_account_check_password(repeat(s, grinning, 7), NULL, NULL),
	        "Password:", "7 emoji (28 bytes)");
	refused(hub_account_check_password(repeat(s, e_acute, 7), NULL, NULL),
	        "Password:", "7 x U+00E9 (14 bytes)");
	accepted(hub_account_check_password(repeat(s, e_acute, 8), NULL, NULL), "8 x U+00E9");
	accepted(hub_account_check_password(repeat(s, e_acute, 128), NULL, NULL),
	         "128 x U+00E9 (256 bytes)");
	refused(hub_account_check_password(repeat(s, e_acute, 129), NULL, NULL),
	        "Password:", "129 x U+00E9");
	accepted(hub_account_check_password(repeat(s, grinning, 128), NULL, NULL),
	         "128 emoji (512 bytes)");
	refused(hub_account_check_password(repeat(s, grinning, 129), NULL, NULL),
	        "Password:", "129 emoji");
	const char *not_utf8[] = {
		"abcdefgh\xFF", /* a byte UTF-8 never uses */
		"abcdefgh\xC0\xAF", /* overlong '/' */
		"abcdefgh\xE2\x82", /* truncated sequence */
		"abcdefgh\xED\xA0\x80", /* a surrogate */
		"\x80\x80\x80\x80\x80\x80\x80\x80\x80", /* continuation bytes alone */
		"abcdefgh\xF4\x90\x80\x80", /* beyond U+10FFFF */
	};
	for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++)
		refused(hub_account_check_password(not_utf8[i], NULL, NULL),
		        "Password:", "invalid UTF-8");
	/* not the username or the email, ignoring case */
	refused(hub_account_check_password("alice_1234", "alice_1234", "a@example.com"),
	        "Password:", "equal to the username");
	refused(hub_account_check_password("ALICE_1234", "Alice_1234", "a@example.com"),
	        "Password:", "equal to the username in another case");
	refused(hub_account_check_password("Alice@Example.com", "alice", "alice@example.com"),
	        "Password:", "equal to the email in another case");
	accepted(hub_account_check_password("alice_12345", "alice_1234", "alice@example.com"),
	         "longer than the username");
	accepted(hub_account_check_password("xalice@example.com", "alice", "alice@example.com"),
	         "containing the email");
	settle();
}

static void display_names_have_limits(void **state)
{
	(void)state;
	soft_failures = 0; /* what a test that failed half-way left */
	char s[LONG_MAX_BYTES];
	accepted(hub_account_check_display_name(""), "empty (the username stands in)");
	accepted(hub_account_check_display_name("Zoë O'Brien <zoe> & co"), "punctuation");
	accepted(hub_account_check_display_name(repeat(s, "n", 100)), "100 characters");
	refused(hub_account_check_display_name(repeat(s, "n", 101)),
	        "Display name:", "101 characters");
	accepted(hub_account_check_display_name(repeat(s, e_acute, 100)),
	         "100 x U+00E9 (200 bytes)");
	refused(hub_account_check_display_name(repeat(s, e_acute, 101)),
	        "Display name:", "101 x U+00E9");
	accepted(hub_account_check_display_name(repeat(s, grinning, 100)), "100 emoji");
	refused(hub_account_check_display_name("Alice\nBob"), "Display name:", "a line break");
	refused(hub_account_check_display_name("Alice\r"), "Display name:", "a carriage return");
	refused(hub_account_check_display_name("Al\tice"), "Display name:", "a tab");
	refused(hub_account_check_display_name("Al\x1bice"), "Display name:", "an escape");
	refused(hub_account_check_display_name("Al\xFFice"), "Display name:", "invalid UTF-8");
	settle();
}

/* ---- passwords and tokens --------------------------------------------------------------- */

static void passwords_hash_and_verify(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	const char *pw = "correct horse battery";
	assert_int_equal(password_hash(h1, pw, strlen(pw)), 0);
	assert_int_equal(password_hash(h2, pw, strlen(pw)), 0);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	assert_null(strstr(h1, pw));
	assert_string_not_equal(h1, h2); /* a fresh salt each time */
	assert_true(password_verify(h1, pw, strlen(pw)));
	assert_true(password_verify(h2, pw, strlen(pw)));
	assert_false(password_verify(h1, "correct horse batterY", strlen(pw)));
	assert_false(password_verify(h1, pw, strlen(pw) - 1)); /* the length counts */
	assert_false(password_verify(h1, "", 0));
	/* bytes after a NUL are part of the password */
	const char with_nul[] = "abc\0defgh";
	assert_int_equal(password_hash(h1, with_nul, sizeof with_nul - 1), 0);
	assert_true(password_verify(h1, with_nul, sizeof with_nul - 1));
	assert_false(password_verify(h1, "abc", 3));
	/* the dummy hash is a well-formed argon2id hash that nothing matches, with the cost of real
	 * ones (parameters, salt and digest lengths), so an unknown account costs the same check */
	const char *dummy = password_dummy_hash();
	assert_true(strncmp(dummy, "$argon2id$", 10) == 0);
	size_t params = 0;
	for (int dollars = 0; h1[params] && dollars < 4; params++)
		dollars += h1[params] == '$';
	assert_memory_equal(dummy, h1, params); /* "$argon2id$v=19$m=…,t=…,p=…$" */
	assert_int_equal(strlen(dummy), strlen(h1));
	assert_false(password_verify(dummy, "", 0));
	assert_false(password_verify(dummy, pw, strlen(pw)));
	assert_false(password_verify("not a hash", pw, strlen(pw)));
}

static void secrets_compare_in_constant_time(void **state)
{
	(void)state;
	assert_true(password_equal("", ""));
	assert_true(password_equal("abc", "abc"));
	assert_false(password_equal("abc", "abd"));
	assert_false(password_equal("abc", "ab"));
	assert_false(password_equal("ab", "abc"));
	assert_false(password_equal("", "a"));
	assert_false(password_equal("ABC", "abc"));
	char a[WEB_TOKEN_LEN + 1], b[WEB_TOKEN_LEN + 1];
	memset(a, 'f', WEB_TOKEN_LEN);
	a[WEB_TOKEN_LEN] = '\0';
	memcpy(b, a, sizeof a);
	assert_true(password_equal(a, b));
	b[WEB_TOKEN_LEN - 1] = 'e';
	assert_false(password_equal(a, b));
}

static void token_digests_are_sha256_hex(void **state)
{
	(void)state;
	char d1[65], d2[65];
	password_token_digest(d1, "abc", 3);
	assert_string_equal(d1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	password_token_digest(d2, "abc", 3);
	assert_string_equal(d1, d2);
	password_token_digest(d1, "", 0);
	assert_string_equal(d1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	password_token_digest(d2, "abd", 3);
	assert_int_equal(strlen(d2), 64);
	assert_int_equal(strspn(d2, "0123456789abcdef"), 64);
	assert_string_not_equal(d2,
	                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* only len bytes count */
	password_token_digest(d1, "abcdef", 3);
	assert_string_equal(d1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* ---- the store -------------------------------------------------------------------------- */

typedef struct env {
	fixture *f;
	arena *a;
} env;

/* The current test's arena: a failed assertion jumps past end(), so the next begin (or main)
 * frees what it left. */
static arena *test_arena;

static void free_test_arena(void)
{
	arena_free(test_arena);
	test_arena = NULL;
}

static env begin(void **state)
{
	fixture *f = *state;
	int applied;
	if (db_migrate_up(&applied, f->d, "hub") < 0)
		fail_msg("migrations: %s", err_msg());
	if (test_arena)
		free_test_arena();
	test_arena = arena_new();
	soft_failures = 0;
	return (env){ f, test_arena };
}

static void end(env *e)
{
	(void)e;
	free_test_arena();
}

typedef struct create_ctx {
	arena *a;
	account_new n;
	hub_user out;
} create_ctx;

static int create_fn(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	return hub_account_create(c, cc->a, &cc->n, &cc->out);
}

/* hub_account_create in a transaction of its own, as the CLI and the pages call it. */
static int create(env *e, const char *username, const char *email, const char *password,
                  hub_user *out)
{
	create_ctx cc = { e->a, { username, email, password, NULL, false, false }, { 0 } };
	int rc = db_tx(e->f->d, create_fn, &cc);
	if (rc == 0 && out)
		*out = cc.out;
	return rc;
}

static hub_user must_create(env *e, const char *username, const char *email, const char *password)
{
	hub_user u;
	int rc = create(e, username, email, password, &u);
	if (rc != 0)
		fail_msg("creating %s: %d %s", username, rc, err_msg());
	return u;
}

static void account_counts(db *d, int64_t users, int64_t workspaces, int64_t emails)
{
	assert_int_equal(fixture_scalar(d, "SELECT COUNT(*) FROM users"), users);
	assert_int_equal(fixture_scalar(d, "SELECT COUNT(*) FROM workspaces"), workspaces);
	assert_int_equal(fixture_scalar(d, "SELECT COUNT(*) FROM emails"), emails);
}

/* Borrows a connection: each call outside a transaction commits at once. */
static db_conn *conn(env *e)
{
	db_conn *c;
	assert_int_equal(db_conn_get(&c, e->f->d), 0);
	return c;
}

static void create_makes_user_workspace_and_email(void **state)
{
	env e = begin(state);
	int64_t before = clock_now_ms();
	create_ctx cc = { e.a,
		          { "Alice_W", "Alice@Example.com", "correct horse", "Alice Wonder", true,
		            true },
		          { 0 } };
	assert_int_equal(db_tx(e.f->d, create_fn, &cc), 0);
	hub_user *u = &cc.out;
	assert_true(u->id > 0);
	assert_int_equal(strlen(u->uuid), 36);
	assert_int_equal(u->uuid[8], '-');
	assert_string_equal(u->username, "Alice_W");
	assert_string_equal(u->display_name, "Alice Wonder");
	assert_string_equal(u->email, "Alice@Example.com");
	assert_true(u->email_confirmed);
	assert_true(u->is_admin);
	assert_true(u->is_active);
	assert_true(u->created_at >= before && u->created_at <= clock_now_ms());
	account_counts(e.f->d, 1, 1, 1);
	/* the personal workspace: a user workspace whose slug is the username in lower case */
	assert_int_equal(fixture_scalar(e.f->d,
	                                "SELECT COUNT(*) FROM workspaces WHERE slug = 'alice_w'"
	                                " AND kind = 'user' AND name = 'Alice_W'"),
	                 1);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT user_id FROM workspaces"), u->id);
	assert_int_equal(
	        fixture_scalar(e.f->d,
	                       "SELECT COUNT(*) FROM emails WHERE is_primary = 1"
	                       " AND confirmed_at IS NOT NULL AND address = 'Alice@Example.com'"),
	        1);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT user_id FROM emails"), u->id);
	/* the password is stored hashed, with argon2id */
	assert_int_equal(
	        fixture_scalar(e.f->d,
	                       "SELECT COUNT(*) FROM users WHERE password_hash LIKE "
	                       "'$argon2id$%' AND password_hash NOT LIKE '%correct horse%'"),
	        1);
	/* without a display name or a confirmation */
	hub_user b = must_create(&e, "bob", "bob@example.com", "bob's password");
	assert_string_equal(b.display_name, "bob");
	assert_false(b.email_confirmed);
	assert_false(b.is_admin);
	assert_true(b.is_active);
	assert_string_not_equal(b.uuid, u->uuid);
	assert_int_equal(
	        fixture_scalar(e.f->d, "SELECT COUNT(*) FROM emails WHERE confirmed_at IS NULL"),
	        1);
	account_counts(e.f->d, 2, 2, 2);
	/* an empty display name is the username too */
	create_ctx empty = { e.a,
		             { "carol", "carol@example.com", "carol's password", "", false, false },
		             { 0 } };
	assert_int_equal(db_tx(e.f->d, create_fn, &empty), 0);
	assert_string_equal(empty.out.display_name, "carol");
	end(&e);
}

static void refused_creates_leave_nothing(void **state)
{
	env e = begin(state);
	must_create(&e, "alice", "alice@example.com", "alice's password");
	account_counts(e.f->d, 1, 1, 1);

	assert_int_equal(create(&e, "ALICE", "other@example.com", "another password", NULL),
	                 WEFT_EEXISTS);
	if (strncmp(err_msg(), "Username:", 9) != 0)
		fail_msg("a taken username should be reported on Username: %s", err_msg());
	account_counts(e.f->d, 1, 1, 1);

	/* the user and workspace rows go in first: the email's clash must undo them */
	assert_int_equal(create(&e, "bob", "ALICE@Example.COM", "another password", NULL),
	                 WEFT_EEXISTS);
	if (strncmp(err_msg(), "Email:", 6) != 0)
		fail_msg("a taken email should be reported on Email: %s", err_msg());
	account_counts(e.f->d, 1, 1, 1);

	/* rules broken: nothing written either */
	const struct {
		const char *username, *email, *password, *field;
	} bad[] = {
		{ "bob", "bob@example.com", "short", "Password:" },
		{ "bobby_tables", "bob@example.com", "BOBBY_TABLES", "Password:" },
		{ "bob", "bob@example.com", "Bob@Example.com", "Password:" },
		{ "dave", "dave@example", "dave's password", "Email:" },
		{ "erin", "erin example@example.com", "erin's password", "Email:" },
		{ "bob-b", "bob@example.com", "bob's password", "Username:" },
		{ "Admin", "bob@example.com", "bob's password", "Username:" },
		{ "", "bob@example.com", "bob's password", "Username:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = create(&e, bad[i].username, bad[i].email, bad[i].password, NULL);
		char what[128];
		snprintf(what, sizeof what, "create %s <%s> / %s", bad[i].username, bad[i].email,
		         bad[i].password);
		refused(rc, bad[i].field, what);
	}
	create_ctx newline = { e.a,
		               { "bob", "bob@example.com", "bob's password", "x\ny", false, false },
		               { 0 } };
	refused(db_tx(e.f->d, create_fn, &newline),
	        "Display name:", "a display name with a newline");
	settle();
	account_counts(e.f->d, 1, 1, 1);

	/* and the names stay free for a valid create */
	hub_user b = must_create(&e, "bob", "bob@example.com", "bob's password");
	assert_string_equal(b.username, "bob");
	account_counts(e.f->d, 2, 2, 2);
	end(&e);
}

static void users_are_found_by_login_and_name(void **state)
{
	env e = begin(state);
	hub_user a = must_create(&e, "Alice", "Alice@Example.com", "alice's password");
	must_create(&e, "bob", "bob@example.com", "bob's password");
	db_conn *c = conn(&e);
	const char *logins[] = { "Alice",
		                 "alice",
		                 "ALICE",
		                 "Alice@Example.com",
		                 "alice@example.com",
		                 "ALICE@EXAMPLE.COM" };
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		hub_user u;
		char *hash = NULL;
		int rc = hub_account_find_login(c, e.a, logins[i], &u, &hash);
		if (rc != 0)
			fail_msg("find_login(%s): %d %s", logins[i], rc, err_msg());
		assert_int_equal(u.id, a.id);
		assert_string_equal(u.username, "Alice");
		assert_string_equal(u.email, "Alice@Example.com");
		assert_non_null(hash);
		assert_true(password_verify(hash, "alice's password", 16));
	}
	hub_user u;
	char *hash = NULL;
	assert_int_equal(hub_account_find_login(c, e.a, "nobody", &u, &hash), WEFT_ENOTFOUND);
	assert_int_equal(hub_account_find_login(c, e.a, "nobody@example.com", &u, &hash),
	                 WEFT_ENOTFOUND);
	assert_int_equal(hub_account_find_login(c, e.a, "Alice@Example", &u, NULL), WEFT_ENOTFOUND);
	/* a password hash is optional */
	assert_int_equal(hub_account_find_login(c, e.a, "bob", &u, NULL), 0);
	assert_string_equal(u.username, "bob");

	const char *names[] = { "Alice", "alice", "ALICE", a.uuid };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int rc = hub_account_find_name(c, e.a, names[i], &u);
		if (rc != 0)
			fail_msg("find_name(%s): %d %s", names[i], rc, err_msg());
		assert_int_equal(u.id, a.id);
	}
	char braced[40];
	snprintf(braced, sizeof braced, "{%s}", a.uuid);
	assert_int_equal(hub_account_find_name(c, e.a, braced, &u), 0);
	assert_int_equal(u.id, a.id);
	assert_string_equal(u.uuid, a.uuid);
	/* by email is a login, not a name */
	assert_int_equal(hub_account_find_name(c, e.a, "alice@example.com", &u), WEFT_ENOTFOUND);
	assert_int_equal(hub_account_find_name(c, e.a, "nobody", &u), WEFT_ENOTFOUND);
	assert_int_equal(
	        hub_account_find_name(c, e.a, "{00000000-0000-4000-8000-000000000000}", &u),
	        WEFT_ENOTFOUND);
	assert_int_equal(hub_account_find_name(c, e.a, "00000000-0000-4000-8000-000000000000", &u),
	                 WEFT_ENOTFOUND);
	assert_int_equal(hub_account_find_id(c, e.a, a.id, &u), 0);
	assert_string_equal(u.username, "Alice");
	assert_int_equal(hub_account_find_id(c, e.a, a.id + 1000, &u), WEFT_ENOTFOUND);
	db_conn_put(c);
	end(&e);
}

static void authenticate_tells_nothing_about_accounts(void **state)
{
	env e = begin(state);
	hub_user a = must_create(&e, "alice", "alice@example.com", "alice's password");
	db_conn *c = conn(&e);
	hub_user u;
	assert_int_equal(hub_account_authenticate(c, e.a, "alice", "alice's password", &u), 0);
	assert_int_equal(u.id, a.id);
	memset(&u, 0, sizeof u);
	assert_int_equal(
	        hub_account_authenticate(c, e.a, "ALICE@example.COM", "alice's password", &u), 0);
	assert_int_equal(u.id, a.id);
	const struct {
		const char *login, *password;
	} wrong[] = {
		{ "alice", "alice's passworD" },
		{ "alice", "" },
		{ "alice", "alice's password " },
		{ "nobody", "alice's password" },
		{ "nobody@example.com", "alice's password" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		int rc = hub_account_authenticate(c, e.a, wrong[i].login, wrong[i].password, &u);
		if (rc != WEFT_EAUTH)
			fail_msg("%s / %s: expected WEFT_EAUTH, got %d", wrong[i].login,
			         wrong[i].password, rc);
		assert_string_equal(err_msg(), "Incorrect username or password.");
	}
	/* deactivated: the right password is refused the same way */
	assert_int_equal(hub_account_set_active(c, a.id, false), 0);
	assert_int_equal(hub_account_authenticate(c, e.a, "alice", "alice's password", &u),
	                 WEFT_EAUTH);
	assert_string_equal(err_msg(), "Incorrect username or password.");
	assert_int_equal(hub_account_find_id(c, e.a, a.id, &u), 0);
	assert_false(u.is_active);
	assert_int_equal(hub_account_set_active(c, a.id, true), 0);
	assert_int_equal(hub_account_authenticate(c, e.a, "alice", "alice's password", &u), 0);
	assert_true(u.is_active);
	assert_int_equal(hub_account_set_active(c, a.id + 1000, false), WEFT_ENOTFOUND);
	db_conn_put(c);
	end(&e);
}

static void administrators_are_made_by_name(void **state)
{
	env e = begin(state);
	hub_user a = must_create(&e, "alice", "alice@example.com", "alice's password");
	hub_user b = must_create(&e, "bob", "bob@example.com", "bob's password");
	assert_false(a.is_admin);
	db_conn *c = conn(&e);
	assert_int_equal(hub_account_set_admin(c, "ALICE", true), 0);
	hub_user u;
	assert_int_equal(hub_account_find_id(c, e.a, a.id, &u), 0);
	assert_true(u.is_admin);
	assert_int_equal(hub_account_find_id(c, e.a, b.id, &u), 0);
	assert_false(u.is_admin); /* only alice */
	assert_int_equal(hub_account_set_admin(c, "alice", true), 0); /* again: still fine */
	assert_int_equal(hub_account_set_admin(c, "alice", false), 0);
	assert_int_equal(hub_account_find_id(c, e.a, a.id, &u), 0);
	assert_false(u.is_admin);
	assert_int_equal(hub_account_set_admin(c, "nobody", true), WEFT_ENOTFOUND);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT COUNT(*) FROM users WHERE is_admin <> 0"),
	                 0);
	db_conn_put(c);
	end(&e);
}

typedef struct listed {
	char names[8][32];
	int n;
} listed;

static void collect(void *ctx, const hub_user *u)
{
	listed *l = ctx;
	if (l->n < 8)
		snprintf(l->names[l->n++], sizeof l->names[0], "%s", u->username);
}

static void users_are_listed_by_name(void **state)
{
	env e = begin(state);
	must_create(&e, "carol", "carol@example.com", "carol's password");
	must_create(&e, "Alice", "alice@example.com", "alice's password");
	must_create(&e, "bob", "bob@example.com", "bob's password");
	db_conn *c = conn(&e);
	listed l = { 0 };
	assert_int_equal(hub_account_list(c, e.a, 10, collect, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.names[0], "Alice");
	assert_string_equal(l.names[1], "bob");
	assert_string_equal(l.names[2], "carol");
	listed two = { 0 };
	assert_int_equal(hub_account_list(c, e.a, 2, collect, &two), 0);
	assert_int_equal(two.n, 2);
	db_conn_put(c);
	end(&e);
}

static bool is_hex_token(const char *s)
{
	return strlen(s) == WEB_TOKEN_LEN && strspn(s, "0123456789abcdef") == WEB_TOKEN_LEN;
}

static void deactivation_ends_sessions(void **state)
{
	env e = begin(state);
	hub_user a = must_create(&e, "alice", "alice@example.com", "alice's password");
	hub_user b = must_create(&e, "bob", "bob@example.com", "bob's password");
	db_conn *c = conn(&e);
	char t1[WEB_TOKEN_LEN + 1], t2[WEB_TOKEN_LEN + 1], tb[WEB_TOKEN_LEN + 1];
	web_session s1, s2, sb, found;
	assert_int_equal(web_session_create(c, a.id, 60000, t1, &s1), 0);
	assert_int_equal(web_session_create(c, a.id, 60000, t2, &s2), 0);
	assert_int_equal(web_session_create(c, b.id, 60000, tb, &sb), 0);
	assert_int_equal(web_session_find(c, t1, &found), 0);
	assert_int_equal(hub_account_set_active(c, a.id, false), 0);
	assert_int_equal(web_session_find(c, t1, &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_find(c, t2, &found), WEFT_ENOTFOUND);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(web_session_find(c, tb, &found), 0); /* bob's stays */
	assert_int_equal(found.user_id, b.id);
	/* reactivating does not bring them back */
	assert_int_equal(hub_account_set_active(c, a.id, true), 0);
	assert_int_equal(web_session_find(c, t1, &found), WEFT_ENOTFOUND);
	db_conn_put(c);
	end(&e);
}

static void sessions_are_created_found_and_ended(void **state)
{
	env e = begin(state);
	hub_user a = must_create(&e, "alice", "alice@example.com", "alice's password");
	hub_user b = must_create(&e, "bob", "bob@example.com", "bob's password");
	db_conn *c = conn(&e);
	char t1[WEB_TOKEN_LEN + 1], t2[WEB_TOKEN_LEN + 1], t3[WEB_TOKEN_LEN + 1];
	char tb[WEB_TOKEN_LEN + 1], tx[WEB_TOKEN_LEN + 1];
	web_session s1, s2, s3, sb, sx, found;
	int64_t before = clock_now_ms();
	assert_int_equal(web_session_create(c, a.id, 3600000, t1, &s1), 0);
	assert_true(is_hex_token(t1));
	assert_true(is_hex_token(s1.csrf));
	assert_string_not_equal(t1, s1.csrf);
	assert_true(s1.id > 0);
	assert_int_equal(s1.user_id, a.id);
	assert_true(s1.expires_at >= before + 3600000 && s1.expires_at <= clock_now_ms() + 3600000);
	/* stored only as its digest */
	char digest[65];
	password_token_digest(digest, t1, strlen(t1));
	db_stmt *st;
	assert_int_equal(
	        db_query(&st, c, "SELECT token_hash FROM sessions WHERE id = $1", db_int(s1.id)),
	        0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), digest);
	db_done(st);
	assert_int_equal(
	        fixture_scalar(e.f->d,
	                       "SELECT COUNT(*) FROM sessions WHERE token_hash = csrf_token"),
	        0);

	memset(&found, 0, sizeof found);
	assert_int_equal(web_session_find(c, t1, &found), 0);
	assert_int_equal(found.id, s1.id);
	assert_int_equal(found.user_id, a.id);
	assert_string_equal(found.csrf, s1.csrf);
	assert_int_equal(found.expires_at, s1.expires_at);

	/* every session gets its own id and CSRF token */
	assert_int_equal(web_session_create(c, a.id, 3600000, t2, &s2), 0);
	assert_int_equal(web_session_create(c, a.id, 3600000, t3, &s3), 0);
	assert_int_equal(web_session_create(c, b.id, 3600000, tb, &sb), 0);
	assert_string_not_equal(t1, t2);
	assert_string_not_equal(s1.csrf, s2.csrf);
	assert_int_not_equal(s1.id, s2.id);

	/* unknown, malformed and expired ids find nothing */
	char other[WEB_TOKEN_LEN + 1];
	memcpy(other, t1, sizeof other);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_int_equal(web_session_find(c, other, &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_find(c, "", &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_find(c, "abc", &found), WEFT_ENOTFOUND);
	char longer[WEB_TOKEN_LEN + 2];
	snprintf(longer, sizeof longer, "%s0", t1);
	assert_int_equal(web_session_find(c, longer, &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_create(c, a.id, -1, tx, &sx), 0);
	assert_int_equal(web_session_find(c, tx, &found), WEFT_ENOTFOUND);
	char tp[WEB_TOKEN_LEN + 1];
	web_session sp;
	assert_int_equal(web_session_create(c, a.id, 3600000, tp, &sp), 0);
	assert_int_equal(web_session_find(c, tp, &found), 0);
	assert_int_equal(db_exec(c, "UPDATE sessions SET expires_at = $1 WHERE id = $2",
	                         db_int(clock_now_ms() - 1000), db_int(sp.id)),
	                 1);
	assert_int_equal(web_session_find(c, tp, &found), WEFT_ENOTFOUND);

	/* signing out ends one */
	assert_int_equal(web_session_end(c, s1.id), 0);
	assert_int_equal(web_session_find(c, t1, &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_find(c, t2, &found), 0);
	/* ending all but one */
	assert_int_equal(web_session_end_all(c, a.id, s2.id), 0);
	assert_int_equal(web_session_find(c, t2, &found), 0);
	assert_int_equal(web_session_find(c, t3, &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_find(c, tb, &found), 0); /* another user's */
	/* ending all */
	assert_int_equal(web_session_end_all(c, a.id, 0), 0);
	assert_int_equal(web_session_find(c, t2, &found), WEFT_ENOTFOUND);
	assert_int_equal(web_session_find(c, tb, &found), 0);
	assert_int_equal(found.user_id, b.id);
	db_conn_put(c);
	end(&e);
}

static void throttle_delays_after_the_free_failures(void **state)
{
	env e = begin(state);
	db_conn *c = conn(&e);
	int64_t retry = -1;
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "hub:login:alice", THROTTLE_FREE_FAILURES },
	                       &retry),
	        0);
	assert_int_equal(retry, 0);
	for (int i = 1; i < THROTTLE_FREE_FAILURES; i++) {
		assert_int_equal(throttle_fail(c, "hub:login:alice"), 0);
		retry = -1;
		if (throttle_check(c,
		                   &(throttle_subject){ "hub:login:alice", THROTTLE_FREE_FAILURES },
		                   &retry) != 0)
			fail_msg("after %d failure(s) there should be no delay: %s", i, err_msg());
		assert_int_equal(retry, 0);
	}
	assert_int_equal(throttle_fail(c, "hub:login:alice"), 0);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT failures FROM sign_in_failures"),
	                 THROTTLE_FREE_FAILURES);
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "hub:login:alice", THROTTLE_FREE_FAILURES },
	                       &retry),
	        WEFT_ELIMIT);
	assert_true(retry >= 1);
	assert_non_null(strstr(err_msg(), "Too many failed sign-ins"));
	/* subjects are counted apart */
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "hub:login:bob", THROTTLE_FREE_FAILURES },
	                       &retry),
	        0);
	assert_int_equal(retry, 0);
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "hub:login:ALICE", THROTTLE_FREE_FAILURES },
	                       &retry),
	        0);
	/* clearing forgets */
	assert_int_equal(throttle_clear(c, "hub:login:alice"), 0);
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "hub:login:alice", THROTTLE_FREE_FAILURES },
	                       &retry),
	        0);
	assert_int_equal(retry, 0);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT COUNT(*) FROM sign_in_failures"), 0);
	assert_int_equal(throttle_clear(c, "hub:login:nobody"), 0);
	db_conn_put(c);
	end(&e);
}

/* Failures an hour old are forgotten: a shared address is not held back by old typos. */
static void throttle_forgets_old_failures(void **state)
{
	env e = begin(state);
	db_conn *c = conn(&e);
	int64_t retry = -1, two_hours_ago = clock_now_ms() - 2 * 60 * 60 * 1000;
	assert_int_equal(db_exec(c,
	                         "INSERT INTO sign_in_failures (subject, failures, last_failure_at)"
	                         " VALUES ('hub:address:10.0.0.1', 12, $1)",
	                         db_int(two_hours_ago)),
	                 1);
	assert_int_equal(throttle_check(c,
	                                &(throttle_subject){ "hub:address:10.0.0.1",
	                                                     THROTTLE_FREE_FAILURES },
	                                &retry),
	                 0);
	assert_int_equal(retry, 0);
	assert_int_equal(throttle_fail(c, "hub:address:10.0.0.1"), 0);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT failures FROM sign_in_failures"), 1);
	db_conn_put(c);
	end(&e);
}

static void throttle_delay_grows_and_passes(void **state)
{
	env e = begin(state);
	db_conn *c = conn(&e);
	assert_int_equal(throttle_fail(c, "s"), 0);
	int64_t retry;
	const struct {
		int64_t failures, ago_ms, min_retry, max_retry;
	} cases[] = {
		{ THROTTLE_FREE_FAILURES, 0, 1, 1 },
		{ THROTTLE_FREE_FAILURES + 1, 0, 2, 2 },
		{ THROTTLE_FREE_FAILURES + 2, 0, 4, 4 },
		{ THROTTLE_FREE_FAILURES + 2, 2500, 1, 2 }, /* 4 s, 2.5 s of it gone */
		{ THROTTLE_FREE_FAILURES + 3, 0, 8, 8 },
		{ THROTTLE_FREE_FAILURES + 100, 0, 900, 900 }, /* at most 15 minutes */
		{ THROTTLE_FREE_FAILURES + 100, 899000, 1, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t at = clock_now_ms() - cases[i].ago_ms;
		assert_int_equal(db_exec(c,
		                         "UPDATE sign_in_failures SET failures = $1,"
		                         " last_failure_at = $2",
		                         db_int(cases[i].failures), db_int(at)),
		                 1);
		retry = -1;
		int rc = throttle_check(c, &(throttle_subject){ "s", THROTTLE_FREE_FAILURES },
		                        &retry);
		if (rc != WEFT_ELIMIT || retry < cases[i].min_retry || retry > cases[i].max_retry)
			fail_msg(
			        "%lld failures %lld ms ago: rc %d, retry %lld, expected %lld..%lld",
			        (long long)cases[i].failures, (long long)cases[i].ago_ms, rc,
			        (long long)retry, (long long)cases[i].min_retry,
			        (long long)cases[i].max_retry);
	}
	/* once the delay has passed, one may try again */
	assert_int_equal(db_exec(c,
	                         "UPDATE sign_in_failures SET failures = $1, last_failure_at = $2",
	                         db_int(THROTTLE_FREE_FAILURES + 1), db_int(clock_now_ms() - 2001)),
	                 1);
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "s", THROTTLE_FREE_FAILURES }, &retry), 0);
	assert_int_equal(retry, 0);
	assert_int_equal(
	        db_exec(c, "UPDATE sign_in_failures SET failures = 1000, last_failure_at = $1",
	                db_int(clock_now_ms() - 15 * 60 * 1000 - 1)),
	        1);
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "s", THROTTLE_FREE_FAILURES }, &retry), 0);
	/* a failure then counts on */
	assert_int_equal(throttle_fail(c, "s"), 0);
	assert_int_equal(fixture_scalar(e.f->d, "SELECT failures FROM sign_in_failures"), 1001);
	assert_int_equal(
	        throttle_check(c, &(throttle_subject){ "s", THROTTLE_FREE_FAILURES }, &retry),
	        WEFT_ELIMIT);
	assert_true(retry > 890 && retry <= 900);
	db_conn_put(c);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usernames_have_lengths_and_characters),
		cmocka_unit_test(reserved_names_are_refused_in_any_case),
		cmocka_unit_test(emails_have_one_address_form),
		cmocka_unit_test(passwords_count_characters_not_bytes),
		cmocka_unit_test(display_names_have_limits),
		cmocka_unit_test(passwords_hash_and_verify),
		cmocka_unit_test(secrets_compare_in_constant_time),
		cmocka_unit_test(token_digests_are_sha256_hex),
		cmocka_unit_test(create_makes_user_workspace_and_email),
		cmocka_unit_test(refused_creates_leave_nothing),
		cmocka_unit_test(users_are_found_by_login_and_name),
		cmocka_unit_test(authenticate_tells_nothing_about_accounts),
		cmocka_unit_test(administrators_are_made_by_name),
		cmocka_unit_test(users_are_listed_by_name),
		cmocka_unit_test(deactivation_ends_sessions),
		cmocka_unit_test(sessions_are_created_found_and_ended),
		cmocka_unit_test(throttle_delays_after_the_free_failures),
		cmocka_unit_test(throttle_delay_grows_and_passes),
		cmocka_unit_test(throttle_forgets_old_failures),
	};
	int failed = fixture_run_service_tests("hub/account", "hub", tests,
	                                       sizeof tests / sizeof tests[0], 2);
	if (test_arena)
		free_test_arena();
	return failed;
}
