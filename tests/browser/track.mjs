// track's web pages in headless Chromium (lib.mjs), used like a person would: the home page,
// signing in as a site administrator (a wrong password first), the dashboard, and in the
// administrators' area adding a user, whose invitation mail (read in the outbox) leads to the
// page where they choose a password and land on their own dashboard; then an API token created
// and shown once. No console error, page error, failed request or CSP violation may happen.
//
// Environment: TRACK_URL (http://host:port of a fresh track), TRACK_ADMIN_USERNAME and
// TRACK_ADMIN_PASSWORD (a site administrator), and lib.mjs's.
import {
	allow, assert, env, expectHeading, expectText, go, main, newContext, pathOf, screenshot, state,
	step, textOf, watch,
} from './lib.mjs';

const trackUrl = env('TRACK_URL').replace(/\/$/, '');
const admin = { username: env('TRACK_ADMIN_USERNAME'), password: env('TRACK_ADMIN_PASSWORD') };

// The user the administrator adds.
const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`.slice(-8);
const invitee = {
	username: `dora_${suffix}`,
	email: `dora_${suffix}@example.com`,
	displayName: 'Dora Explorer',
	password: 'dora chooses a pass phrase',
};

const logoutButton = (page) => page.getByRole('banner').getByRole('button', { name: /^Sign out/ });

step('home page: track\'s title and a Sign in link', async () => {
	const { page } = state;
	const res = await page.goto(`${trackUrl}/`);
	assert(res && res.status() === 200, `GET / answered ${res && res.status()}`);
	const title = await page.title();
	assert(/ · weft track$/.test(title), `title "${title}" is not "… · weft track"`);
	await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
	await screenshot(page, 'track-home');
});

step('a page that needs signing in sends to the login form and back', async () => {
	const { page } = state;
	await page.goto(`${trackUrl}/dashboard`);
	assert(pathOf(page) === '/login', `/dashboard went to ${page.url()}, not to /login`);
	await expectHeading(page, /^Sign in to /);
	allow([{ kind: 'console.error', test: (text, url) =>
		/status of 401/.test(text) && new URL(url).pathname === '/login' }]);
	await page.getByLabel('Username or email').fill(admin.username);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expectText(page.getByRole('alert'), /Incorrect username or password/, 'the error');
	await page.getByLabel('Password').fill(admin.password);
	await go(page, '/dashboard', () => page.getByLabel('Password').press('Enter'));
	allow([]);
	await expectHeading(page, 'Dashboard');
	await expectText(logoutButton(page), new RegExp(`Sign out ${admin.username}$`), 'the top bar');
	await screenshot(page, 'track-dashboard');
});

step('Administration › Add a user: listed, and invited by mail', async () => {
	const { page } = state;
	await go(page, '/admin', () =>
		page.getByRole('banner').getByRole('link', { name: 'Administration' }).click());
	await expectHeading(page, 'Administration');
	await page.getByLabel('Username').fill(invitee.username);
	await page.getByLabel('Email').fill(invitee.email);
	await page.getByLabel(/^Display name/).fill(invitee.displayName);
	await go(page, '/admin', () => page.getByRole('button', { name: 'Add user' }).click());
	await expectText(page.getByRole('status'), new RegExp(`${invitee.username} was added`),
		'the notice');
	const row = await textOf(page.getByRole('row').filter({ hasText: invitee.username }));
	assert(row.includes(invitee.email) && row.includes(invitee.displayName),
		`the new user's row lacks the email or name: ${row}`);
	await screenshot(page, 'track-admin-users');
});

step('the outbox holds the invitation; its link lets the user choose a password', async () => {
	const { page } = state;
	await go(page, '/admin/mail', () => page.getByRole('link', { name: 'Mail outbox' }).click());
	const mail = page.locator('article').filter({ hasText: invitee.email });
	await mail.first().waitFor({ state: 'visible' });
	const body = await mail.first().locator('pre').textContent();
	const links = body.match(/https?:\/\/\S+\/set-password\/[0-9a-f]{64}/g) || [];
	assert(links.length === 1, `the mail has ${links.length} set-password links: ${body}`);
	assert(links[0].startsWith(`${trackUrl}/`), `the link ${links[0]} is not on ${trackUrl}`);
	state.link = links[0];
	state.inviteeContext = await newContext(state.browser);
	const guest = await state.inviteeContext.newPage();
	watch(guest);
	state.at = guest;
	await guest.goto(state.link);
	await expectHeading(guest, 'Choose your password');
	await guest.getByLabel('Password', { exact: true }).fill(invitee.password);
	await guest.getByLabel('Password again').fill(invitee.password);
	await go(guest, '/dashboard', () =>
		guest.getByRole('button', { name: /^Set password/ }).click());
	await expectText(guest.getByRole('paragraph').filter({ hasText: 'Welcome' }),
		new RegExp(`Welcome, ${invitee.displayName}`), 'the greeting');
	await screenshot(guest, 'track-invitee-dashboard');
	state.guest = guest;
});

step('API tokens: a new token is shown once, then listed by its label only', async () => {
	const page = state.guest;
	await go(page, '/account/tokens', () =>
		page.getByRole('banner').getByRole('link', { name: 'API tokens' }).click());
	await page.getByLabel('Label').fill('laptop');
	await go(page, '/account/tokens', () => page.getByRole('button', { name: 'Create' }).click());
	const secret = await textOf(page.locator('#new-token'));
	assert(/^tapi_[0-9a-f]{64}$/.test(secret), `the new token reads "${secret}"`);
	await page.goto(`${trackUrl}/account/tokens`);
	const row = await textOf(page.getByRole('row').filter({ hasText: 'laptop' }));
	assert(!row.includes(secret) && /API token/.test(row), `the token's row: ${row}`);
	await screenshot(page, 'track-tokens');
});

main();
