// hub's web pages in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// used like a person would: the home page and its stylesheet, signing up, signing out, signing in
// (a wrong password first, then the right one with the keyboard alone), creating a team and one of
// its user groups, and, as a site administrator, the users list and the mail outbox, whose
// confirmation link is followed. No console error, page error, failed request or Content Security
// Policy violation may happen during the whole run. Prints TAP; a failed step prints the page's URL
// and text as diagnostics, and the steps after it are skipped (each builds on the one before).
//
// Environment: HUB_URL (http://host:port of a fresh hub), HUB_ADMIN_USERNAME and
// HUB_ADMIN_PASSWORD (a site administrator), HUB_USERNAME and HUB_PASSWORD (a normal user),
// SCREENSHOT_DIR (where the screenshots go; default: a new temporary directory), CHROMIUM (the
// browser; default /usr/bin/chromium).
import {
	allow, assert, env, expectHeading, expectText, go, main, newContext, pathOf, screenshot, state,
	step, textOf, toTeamGroups, watch,
} from './lib.mjs';

const hubUrl = env('HUB_URL').replace(/\/$/, '');
const admin = { username: env('HUB_ADMIN_USERNAME'), password: env('HUB_ADMIN_PASSWORD') };
const member = { username: env('HUB_USERNAME'), password: env('HUB_PASSWORD') };

// The newcomer who signs up through the form.
const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`.slice(-8);
const newcomer = {
	username: `newbie_${suffix}`,
	email: `newbie_${suffix}@example.com`,
	password: 'a long pass phrase 42',
};
const team = { name: 'Browser Testers', id: `browser-${suffix}` };
const group = { name: 'Reviewers', permission: 'write' };

// Signs in through the form as a person would with a mouse: fills both fields, clicks Sign in.
const signIn = async (page, who) => {
	await page.goto(`${hubUrl}/login`);
	await page.getByLabel('Username or email').fill(who.username);
	await page.getByLabel('Password').fill(who.password);
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign in' }).click());
	await expectHeading(page, 'Dashboard');
};

const signOutButton = (page) => page.getByRole('banner').getByRole('button', { name: /^Sign out/ });

// --- the steps -----------------------------------------------------------------------------------


step('home page: title, top bar in hub blue (the stylesheet applied), sign-in links', async () => {
	const { page } = state;
	const res = await page.goto(`${hubUrl}/`);
	assert(res && res.status() === 200, `GET / answered ${res && res.status()}`);
	const title = await page.title();
	assert(title === 'weft hub · weft hub' || /^[^·]+ · weft hub$/.test(title),
		`title "${title}" is not "… · weft hub"`);
	await expectHeading(page, 'weft hub');
	const bar = page.locator('header.topbar');
	await bar.waitFor({ state: 'visible' });
	const bg = await bar.evaluate((el) => getComputedStyle(el).backgroundColor);
	assert(bg === 'rgb(0, 82, 204)', `top bar background ${bg}, not rgb(0, 82, 204) (#0052cc)`);
	const font = await page.locator('body').evaluate((el) => getComputedStyle(el).fontFamily);
	assert(!/^"?Times/.test(font), `body font ${font}: the stylesheet's font did not apply`);
	await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
	await page.getByRole('banner').getByRole('link', { name: 'Sign up' }).waitFor();
	await screenshot(page, 'home');
});

step('sign up through the form: on the dashboard with the "not confirmed" notice', async () => {
	const { page } = state;
	await go(page, '/signup', () =>
		page.getByRole('banner').getByRole('link', { name: 'Sign up' }).click());
	await expectHeading(page, /^Create your .* account$/);
	await page.getByLabel('Username', { exact: true }).fill(newcomer.username);
	await page.getByLabel('Email', { exact: true }).fill(newcomer.email);
	await page.getByLabel('Password', { exact: true }).fill(newcomer.password);
	await screenshot(page, 'signup');
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign up' }).click());
	await expectHeading(page, 'Dashboard');
	await expectText(page.getByRole('status').filter({ hasText: 'not confirmed' }),
		new RegExp(`${newcomer.email.replace(/\./g, '\\.')} is not confirmed`), 'the notice');
	await signOutButton(page).waitFor();
	await expectText(signOutButton(page), new RegExp(`Sign out ${newcomer.username}$`),
		'the top bar button');
	await screenshot(page, 'dashboard-unconfirmed');
});

step('sign out through the top bar button: back on the home page, signed out', async () => {
	const { page } = state;
	await go(page, '/', () => signOutButton(page).click());
	await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
	assert(await signOutButton(page).count() === 0, 'the Sign out button is still there');
	const res = await page.goto(`${hubUrl}/dashboard`);
	assert(pathOf(page) === '/login', `/dashboard after signing out went to ${page.url()}` +
		` (status ${res && res.status()}), not to the sign-in form`);
});

step('sign in with a wrong password: error shown, username kept, password empty', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/`);
	await go(page, '/login', () =>
		page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click());
	await expectHeading(page, /^Sign in to /);
	// The refusal's status (401) is the page's own; Chromium logs it as a failed resource.
	allow([{ kind: 'console.error', test: (text, url) =>
		/status of 401/.test(text) && new URL(url).pathname === '/login' }]);
	await page.getByLabel('Username or email').fill(newcomer.username);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	const alert = page.getByRole('alert');
	await alert.waitFor({ state: 'visible' });
	const message = await textOf(alert);
	assert(/password|incorrect|invalid|wrong/i.test(message), `the error says "${message}"`);
	assert(pathOf(page) === '/login', `the form was answered at ${page.url()}`);
	const login = await page.getByLabel('Username or email').inputValue();
	assert(login === newcomer.username, `username field holds "${login}"`);
	const password = await page.getByLabel('Password').inputValue();
	assert(password === '', `password field holds "${password}"`);
	await screenshot(page, 'login-refused');
});

step('sign in with the right password, keyboard only (type, Tab, type, Enter)', async () => {
	const { page } = state;
	// The form autofocuses the username field, which still holds the name typed before.
	const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
	assert(focused === 'login', `the focus is on "${focused}", not on the username field`);
	await page.keyboard.press('Tab');
	const next = await page.evaluate(() => document.activeElement && document.activeElement.id);
	assert(next === 'password', `Tab moved the focus to "${next}", not to the password field`);
	await page.keyboard.type(newcomer.password);
	await go(page, '/dashboard', () => page.keyboard.press('Enter'));
	allow([]);
	await expectHeading(page, 'Dashboard');
	await expectText(signOutButton(page), new RegExp(`Sign out ${newcomer.username}$`),
		'the top bar button');
});

step('Teams › Create team: the team\'s overview page with its members', async () => {
	const { page } = state;
	await go(page, '/teams', () =>
		page.getByRole('banner').getByRole('link', { name: 'Teams', exact: true }).click());
	await expectHeading(page, 'Teams');
	await go(page, '/teams/new', () =>
		page.getByRole('main').getByRole('link', { name: 'Create team', exact: true }).click());
	await expectHeading(page, 'Create a team');
	await page.getByLabel('Team name').fill(team.name);
	await page.getByLabel('Team ID').fill(team.id);
	await page.getByLabel(/^Members/).fill(member.username);
	await screenshot(page, 'team-new');
	await go(page, `/${team.id}`, () => page.getByRole('button', { name: 'Create team' }).click());
	await expectHeading(page, team.name);
	await expectText(page.getByRole('status'), /Team created/, 'the notice');
	const members = page.locator('section[aria-labelledby="members-title"]');
	await members.waitFor({ state: 'visible' });
	const list = await textOf(members);
	for (const name of [newcomer.username, member.username])
		assert(list.includes(name), `the members card lacks ${name}: ${list}`);
	assert(/Members \(2\)/.test(list), `the members card does not count 2: ${list}`);
	await screenshot(page, 'team-overview');
});

step('team settings › User groups: create a group, see its page and it in the list', async () => {
	const { page } = state;
	await toTeamGroups(page, team.id);
	await page.getByRole('heading', { name: 'User groups' }).waitFor();
	await page.getByLabel('Group name').fill(group.name);
	await page.getByLabel('Permission').selectOption(group.permission);
	await go(page, (url) => url.pathname.startsWith(`/${team.id}/settings/groups/`), () =>
		page.getByRole('button', { name: 'Create group' }).click());
	await expectText(page.getByRole('status'), /Group created/, 'the notice');
	await page.getByRole('heading', { name: new RegExp(`^Members of ${group.name}`) }).waitFor();
	state.groupPath = pathOf(page);
	await screenshot(page, 'group');
	await go(page, `/${team.id}/settings/groups`, () =>
		page.getByRole('link', { name: 'User groups' }).first().click());
	const row = page.getByRole('row').filter({ hasText: group.name });
	await row.waitFor({ state: 'visible' });
	const text = await textOf(row);
	assert(text.includes(group.permission),
		`the group's row does not say ${group.permission}: ${text}`);
	await screenshot(page, 'team-groups');
});

step('as the administrator: /admin lists the users, the newcomer unconfirmed', async () => {
	state.adminContext = await newContext(state.browser);
	state.adminPage = await state.adminContext.newPage();
	const page = state.adminPage;
	state.at = page;
	watch(page);
	await signIn(page, admin);
	await go(page, '/admin', () =>
		page.getByRole('banner').getByRole('link', { name: 'Administration' }).click());
	await expectHeading(page, 'Administration');
	for (const name of [admin.username, member.username, newcomer.username])
		await page.getByRole('row').filter({ hasText: name }).first().waitFor({ state: 'visible' });
	const row = await textOf(page.getByRole('row').filter({ hasText: newcomer.username }));
	assert(row.includes(newcomer.email) && /unconfirmed/.test(row),
		`the newcomer's row is not "${newcomer.email} unconfirmed": ${row}`);
	await screenshot(page, 'admin-users');
});

step('/admin/mail holds the confirmation mail; its link confirms the email', async () => {
	const page = state.adminPage;
	await go(page, '/admin/mail', () => page.getByRole('link', { name: 'Mail outbox' }).click());
	const mail = page.locator('article.mail').filter({ hasText: `to ${newcomer.email}` });
	await mail.first().waitFor({ state: 'visible' });
	const body = await mail.first().locator('.mail-body').textContent();
	const links = body.match(/https?:\/\/\S+\/confirm\/\S+/g) || [];
	assert(links.length === 1, `the mail has ${links.length} confirmation links: ${body}`);
	const link = links[0];
	assert(link.startsWith(`${hubUrl}/confirm/`), `the link ${link} is not on ${hubUrl}`);
	await screenshot(page, 'admin-mail');
	const res = await page.goto(link);
	assert(res && res.status() === 200, `the link answered ${res && res.status()}`);
	await expectHeading(page, 'Email confirmed');
	await screenshot(page, 'email-confirmed');
});

step('after confirming: no notice on the newcomer\'s dashboard, confirmed in /admin', async () => {
	const { page, adminPage } = state;
	state.at = page;
	await go(page, '/dashboard', () =>
		page.getByRole('banner').getByRole('link', { name: 'Dashboard' }).click());
	await expectHeading(page, 'Dashboard');
	assert(await page.getByText('is not confirmed').count() === 0, 'the notice is still there');
	await page.getByRole('link', { name: team.name }).waitFor();
	await screenshot(page, 'dashboard');
	state.at = adminPage;
	await adminPage.goto(`${hubUrl}/admin`);
	const row = await textOf(adminPage.getByRole('row').filter({ hasText: newcomer.username }));
	assert(!/unconfirmed/.test(row), `the newcomer's row still says unconfirmed: ${row}`);
});

step('+ Repository: a private repository with a README in a new project, then its settings', async () => {
	const { page } = state;
	state.at = page;
	await go(page, '/repo/create', () =>
		page.getByRole('banner').getByRole('link', { name: '+ Repository' }).click());
	await expectHeading(page, 'Create a new repository');
	await page.getByLabel('Workspace').selectOption(team.id);
	await page.getByLabel('Project', { exact: true }).selectOption('new');
	await page.getByLabel('Project name').fill('Browser Project');
	await page.getByLabel('Project key').fill('BROWSER');
	await page.getByLabel('Repository name').fill('Browser Repo');
	assert(await page.getByLabel('Private repository').isChecked(), 'private is not the default');
	await page.getByLabel('Yes, with a template').check();
	await screenshot(page, 'repo-create');
	await go(page, `/${team.id}/browser-repo`, () =>
		page.getByRole('button', { name: 'Create repository' }).click());
	await go(page, `/${team.id}/browser-repo/admin`, () => page.goto(`${hubUrl}/${team.id}/browser-repo/admin`));
	await expectHeading(page, /: settings$/);
	assert(await page.getByLabel('Name', { exact: true }).inputValue() === 'Browser Repo',
		'the settings page does not show the name');
	await page.getByLabel('Description').fill('Made in a browser');
	await go(page, (url) => url.pathname === `/${team.id}/browser-repo/admin` && url.search.includes('notice'),
		() => page.getByRole('button', { name: 'Save repository details' }).click());
	await expectText(page.getByRole('status'), /Repository settings saved/, 'the notice');
	await screenshot(page, 'repo-settings');
	await go(page, `/${team.id}/browser-repo/admin/access`, () =>
		page.getByRole('navigation', { name: 'Repository settings' })
			.getByRole('link', { name: 'Access' }).click());
	await page.getByLabel('Username or group slug').fill(member.username);
	await page.getByLabel('Permission', { exact: true }).selectOption('read');
	await go(page, (url) => url.pathname === `/${team.id}/browser-repo/admin/access` &&
		url.search.includes('notice'), () => page.getByRole('button', { name: 'Add' }).click());
	await expectText(page.getByRole('status'), /Access saved/, 'the notice');
	const row = await textOf(page.getByRole('row').filter({ hasText: member.username }));
	assert(/read/.test(row), `the access row of ${member.username} does not say read: ${row}`);
	await screenshot(page, 'repo-access');
});

main();
