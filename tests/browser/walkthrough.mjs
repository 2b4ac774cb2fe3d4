// The getting-started guide (docs/getting-started.md) followed end to end in headless Chromium, as
// a new user would, each step's picture taken for the guide: Ada signs up on hub and confirms her
// email through the held mail; creates the team Acme; invites grace@example.com, who signs up with
// that address, confirms it and is a member; creates a private repository with a README; adds the
// OAuth consumer "Jira DVCS" in the team. On track, as its administrator, she creates the project
// PROJ and its first issue. Prints TAP (lib.mjs); the pictures are name.png files of the viewport
// (1280×800) in SCREENSHOT_DIR.
//
// Environment: HUB_URL, TRACK_URL; HUB_ADMIN_USERNAME / HUB_ADMIN_PASSWORD (hub's site
// administrator, who reads the outbox); USERNAME / EMAIL / PASSWORD (Ada: signs up on hub with
// them, and is track's administrator with the same ones); WORK (an empty directory for her working
// copy; git's identity, Ada's, in the inherited environment).
import { execFileSync } from 'node:child_process';
import {
	assert, env, expectHeading, expectText, go, main, newContext, pathOf, screenshot, settings,
	state, step, textOf, watch,
} from './lib.mjs';

settings.viewport = { width: 1280, height: 800 };
// On a quiet machine the run takes well under a minute; a loaded one (the whole suite at once) may
// take three times as long.
settings.runMs = 170000;

const hubUrl = env('HUB_URL').replace(/\/$/, '');
const trackUrl = env('TRACK_URL').replace(/\/$/, '');
const admin = { username: env('HUB_ADMIN_USERNAME'), password: env('HUB_ADMIN_PASSWORD') };
const ada = { username: env('USERNAME'), email: env('EMAIL'), password: env('PASSWORD') };
const grace = { username: 'grace', email: 'grace@example.com', password: 'grace\'s pass phrase 7' };
const work = env('WORK');
const team = { name: 'Acme', id: 'acme' };
const repo = { name: 'website', path: `/${team.id}/website` };
const callback = `${trackUrl}/secure/admin/dvcs/callback`;

// picture(page, name, {full}): the guide's picture of the top of the page (full: all of it).
const picture = async (page, name, { full = false } = {}) => {
	await page.evaluate(() => window.scrollTo(0, 0));
	return screenshot(page, name, { fullPage: full, numbered: false });
};

// git(...args): runs git in the working copy; its output, or a failure with git's message.
const git = (...args) => {
	try {
		return execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: 'pipe', timeout: 30000 });
	} catch (e) {
		throw new Error(`git ${args.join(' ')}: ${e.stderr || e.message}`);
	}
};

const signIn = async (page, url, who) => {
	await page.goto(`${url}/login`);
	await page.getByLabel('Username or email').fill(who.username);
	await page.getByLabel('Password').fill(who.password);
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign in' }).click());
};

// A fresh browser (its own cookies) whose failures the run's diagnostics show.
const newPage = async () => {
	const context = await newContext(state.browser);
	const page = await context.newPage();
	watch(page);
	return page;
};

// heldLink(prefix, to): the newest link starting with hubUrl + prefix in the held mail to the
// address to, read by the site administrator in Administration › Mail outbox.
const heldLink = async (prefix, to) => {
	const page = state.adminPage;
	await page.goto(`${hubUrl}/admin/mail`);
	const mail = page.locator('article.mail').filter({ hasText: `to ${to}` });
	await mail.first().waitFor({ state: 'visible' });
	const body = await mail.first().locator('.mail-body').textContent();
	const links = (body.match(/https?:\/\/\S+/g) || []).filter((l) => l.startsWith(`${hubUrl}${prefix}`));
	assert(links.length === 1, `the newest mail to ${to} has ${links.length} links to ${prefix}: ${body}`);
	return links[0];
};

// signUp(page, who): the sign-up form filled and sent; on the dashboard, unconfirmed.
const signUp = async (page, who) => {
	await expectHeading(page, /^Create your .* account$/);
	await page.getByLabel('Username', { exact: true }).fill(who.username);
	await page.getByLabel('Email', { exact: true }).fill(who.email);
	await page.getByLabel('Password', { exact: true }).fill(who.password);
};

// --- hub -----------------------------------------------------------------------------------------

step('Ada signs up on hub: on her dashboard, her address not yet confirmed', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/`);
	await go(page, '/signup', () =>
		page.getByRole('banner').getByRole('link', { name: 'Sign up' }).click());
	await signUp(page, ada);
	await picture(page, 'hub-signup');
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign up' }).click());
	await expectText(page.getByRole('status').filter({ hasText: 'not confirmed' }),
		/is not confirmed/, 'the notice');
});

step('the confirmation mail is held in the outbox; its link confirms her address', async () => {
	state.adminPage = await newPage();
	state.at = state.adminPage;
	await signIn(state.adminPage, hubUrl, admin);
	const link = await heldLink('/confirm/', ada.email);
	await picture(state.adminPage, 'hub-outbox');
	const { page } = state;
	state.at = page;
	const res = await page.goto(link);
	assert(res && res.status() === 200, `the link answered ${res && res.status()}`);
	await expectHeading(page, 'Email confirmed');
	await page.goto(`${hubUrl}/dashboard`);
	assert(await page.getByText('is not confirmed').count() === 0, 'the notice is still there');
});

step('Teams › Create team: Acme, with Ada as its administrator', async () => {
	const { page } = state;
	await go(page, '/teams', () =>
		page.getByRole('banner').getByRole('link', { name: 'Teams', exact: true }).click());
	await go(page, '/teams/new', () =>
		page.getByRole('main').getByRole('link', { name: 'Create team', exact: true }).click());
	await page.getByLabel('Team name').fill(team.name);
	await page.getByLabel('Team ID').fill(team.id);
	await picture(page, 'hub-team-new');
	await go(page, `/${team.id}`, () => page.getByRole('button', { name: 'Create team' }).click());
	await expectHeading(page, team.name);
	await expectText(page.getByRole('status'), /Team created/, 'the notice');
});

step(`Team settings › User groups › Developers: ${grace.email} is invited`, async () => {
	const { page } = state;
	await go(page, `/${team.id}/settings`, () =>
		page.getByRole('link', { name: 'Team settings' }).click());
	await go(page, `/${team.id}/settings/groups`, () =>
		page.getByRole('navigation', { name: 'Team settings' })
			.getByRole('link', { name: 'User groups' }).click());
	await go(page, `/${team.id}/settings/groups/developers`, () =>
		page.getByRole('main').getByRole('link', { name: 'Developers', exact: true }).click());
	await page.getByLabel('Add a member').fill(grace.email);
	await go(page, (url) => url.pathname === `/${team.id}/settings/groups/developers` &&
		url.searchParams.get('notice') === 'invited', () =>
		page.getByRole('button', { name: 'Add', exact: true }).click());
	await expectText(page.locator('main'), new RegExp(grace.email.replace(/\./g, '\\.')),
		'the group page');
	await picture(page, 'hub-invite');
});

step('Grace opens the invitation, signs up with that address, confirms it: she is in Acme', async () => {
	const invitation = await heldLink('/invitations/', grace.email);
	const page = await newPage();
	state.grace = page;
	state.at = page;
	await page.goto(invitation);
	await expectHeading(page, `Join ${team.name}`);
	await picture(page, 'hub-invitation');
	await go(page, '/signup', () => page.getByRole('main').getByRole('link', { name: 'sign up' }).click());
	await signUp(page, grace);
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign up' }).click());
	const confirm = await heldLink('/confirm/', grace.email);
	const res = await page.goto(confirm);
	assert(res && res.status() === 200, `the link answered ${res && res.status()}`);
	await expectHeading(page, 'Email confirmed');
	await page.goto(`${hubUrl}/${team.id}`);
	const members = page.locator('section[aria-labelledby="members-title"]');
	await expectText(members, /Members \(2\)/, 'the members card');
	const list = await textOf(members);
	for (const name of [ada.username, grace.username])
		assert(list.includes(name), `the members card lacks ${name}: ${list}`);
	await picture(page, 'hub-team-members');
	await page.context().close();
	state.at = state.page;
});

step('+ Repository: the private repository website with a README, in Acme', async () => {
	const { page } = state;
	await go(page, '/repo/create', () =>
		page.getByRole('banner').getByRole('link', { name: '+ Repository' }).click());
	await page.getByLabel('Workspace').selectOption(team.id);
	await page.getByLabel('Project', { exact: true }).selectOption('new');
	await page.getByLabel('Project name').fill('Website');
	await page.getByLabel('Project key').fill('WEB');
	await page.getByLabel('Repository name').fill(repo.name);
	assert(await page.getByLabel('Private repository').isChecked(), 'private is not the default');
	await page.getByLabel('Yes, with a template').check();
	await picture(page, 'hub-repo-create', { full: true });
	await go(page, repo.path, () => page.getByRole('button', { name: 'Create repository' }).click());
	await expectText(page.locator('main'), /README/, 'the repository\'s page');
	await picture(page, 'hub-repo');
});

step('Team settings › OAuth consumers: "Jira DVCS" with track\'s callback, its key and secret', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/${team.id}/settings`);
	await go(page, `/${team.id}/settings/oauth-consumers`, () =>
		page.getByRole('navigation', { name: 'Team settings' })
			.getByRole('link', { name: 'OAuth consumers' }).click());
	await page.getByLabel('Name', { exact: true }).fill('Jira DVCS');
	await page.getByLabel('Callback URL').fill(callback);
	for (const scope of ['account', 'repository:admin', 'pullrequest', 'webhook'])
		await page.locator(`input[name="scopes"][value="${scope}"]`).check();
	await picture(page, 'hub-consumer-new', { full: true });
	await go(page, `/${team.id}/settings/oauth-consumers`, () =>
		page.getByRole('button', { name: 'Save' }).click());
	await expectText(page.locator('.oauth-created'), /it will not be shown again/, 'the notice');
	state.key = await textOf(page.locator('.oauth-created .oauth-key'));
	state.secret = await textOf(page.locator('.oauth-created .oauth-secret'));
	assert(/^[0-9a-f]{32}$/.test(state.key), `key ${state.key}`);
	assert(/^[0-9a-f]{64}$/.test(state.secret), 'no secret of 64 hex digits');
	await picture(page, 'hub-consumer');
});

step('git clone of the repository over HTTP: the README is there', async () => {
	const url = new URL(`${hubUrl}${repo.path}.git`);
	url.username = ada.username;
	url.password = ada.password;
	git('clone', '-q', url.href, '.');
	assert(/README/.test(git('ls-files')), `no README in ${git('ls-files')}`);
});

// --- track ---------------------------------------------------------------------------------------

step('on track, Ada (its administrator) signs in and creates the project PROJ', async () => {
	const { page } = state;
	await signIn(page, trackUrl, ada);
	await page.goto(`${trackUrl}/projects`);
	await page.getByLabel('Name', { exact: true }).fill('Project');
	await page.getByLabel(/^Key/).fill('PROJ');
	await picture(page, 'track-project-new');
	await go(page, '/browse/PROJ', () => page.getByRole('button', { name: 'Create project' }).click());
	await expectHeading(page, /Project/);
});

step('Create issue: PROJ-1', async () => {
	const { page } = state;
	await go(page, '/browse/PROJ/create', () =>
		page.getByRole('link', { name: 'Create issue' }).click());
	await page.getByLabel('Issue type').selectOption({ label: 'Story' });
	await page.getByLabel('Summary').fill('Sign-in page');
	await go(page, '/browse/PROJ-1', () => page.getByRole('button', { name: /^Create/ }).click());
	await expectText(page.locator('h1'), /PROJ-1 Sign-in page/, 'the issue\'s title');
	assert(pathOf(page) === '/browse/PROJ-1', `at ${page.url()}`);
	await picture(page, 'track-issue');
});

main();
