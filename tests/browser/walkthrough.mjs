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
	Failure, assert, env, expectHeading, expectText, go, main, newContext, pathOf, screenshot, settings,
	state, step, textOf, toTeamGroups, watch,
} from './lib.mjs';

settings.viewport = { width: 1280, height: 800 };
// On a quiet machine the run takes well under a minute; a loaded one (the whole suite at once) may
// take four times as long.
settings.runMs = 240000;

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
	await toTeamGroups(page, team.id);
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

// eventually(page, check, what): reloads the page until check() (a promise of a boolean) is true,
// for what a background job does (a sync after a push); a failure naming what after 20 s.
const eventually = async (page, check, what) => {
	const deadline = Date.now() + 20000;
	for (;;) {
		if (await check()) return;
		if (Date.now() > deadline) throw new Failure(`${what}: not within 20 s`);
		await new Promise((resolve) => setTimeout(resolve, 250));
		await page.reload();
	}
};

const trackOrigin = new URL(trackUrl).origin;
const hubOrigin = new URL(hubUrl).origin;
const dvcsPath = '/secure/admin/dvcs';
const repoRow = (page) => page.locator('tr.dvcs-repo', { hasText: repo.name });

step('Administration › DVCS accounts: link the team acme with the key and secret', async () => {
	const { page } = state;
	await go(page, '/admin', () =>
		page.getByRole('banner').getByRole('link', { name: 'Administration' }).click());
	await go(page, dvcsPath, () => page.getByRole('navigation', { name: 'Administration' })
		.getByRole('link', { name: /DVCS accounts/ }).click());
	const site = await page.getByLabel('weft hub\'s URL').inputValue();
	assert(site === hubUrl, `the hub URL offered is "${site}", not ${hubUrl}`);
	await page.getByLabel('Team or user account').fill(team.id);
	await page.getByLabel('OAuth key').fill(state.key);
	await page.getByLabel('OAuth secret').fill(state.secret);
	assert(await page.getByLabel('Auto link new repositories').isChecked(), 'auto link is not on');
	assert(await page.getByLabel('Enable smart commits').isChecked(), 'smart commits are not on');
	await picture(page, 'track-dvcs-link', { full: true });
	await go(page, (url) => url.origin === hubOrigin && url.pathname === '/site/oauth2/authorize',
		() => page.getByRole('button', { name: 'Add', exact: true }).click());
	await expectHeading(page, 'Confirm access to your account');
	await expectText(page.locator('.oauth-consent'), /Jira DVCS/, 'the consent page');
	await picture(page, 'hub-consent');
});

step('Grant access: back on track, acme linked, website listed and synced', async () => {
	const { page } = state;
	await go(page, (url) => url.origin === trackOrigin && url.pathname === dvcsPath, () =>
		page.getByRole('button', { name: 'Grant access' }).click());
	const account = page.locator('article.dvcs-account', { hasText: team.id });
	await expectText(account.locator('h3'), /linked/, 'the account');
	await eventually(page, async () => await repoRow(page).count() === 1 &&
		await repoRow(page).getAttribute('data-sync-state') === 'done', 'website synced');
	const row = await textOf(repoRow(page));
	assert(!/no admin permission/.test(row), `the hook was not installed: ${row}`);
	assert(await repoRow(page).getByLabel('Linked').isChecked(), 'website is not linked');
	await picture(page, 'track-dvcs-synced');
});

step('on hub: Jira DVCS under Integrated applications, track\'s hook on Webhooks', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/account/settings/applications`);
	await page.locator('tr.oauth-application', { hasText: 'Jira DVCS' }).waitFor({ state: 'visible' });
	await picture(page, 'hub-applications');
	await page.goto(`${hubUrl}${repo.path}/admin`);
	await go(page, `${repo.path}/admin/hooks`, () => page
		.getByRole('navigation', { name: 'Repository settings' }).getByRole('link', { name: 'Webhooks' }).click());
	const hooks = await page.locator('table tbody code').allTextContents();
	const ours = hooks.filter((u) => u.startsWith(`${trackUrl}/rest/bitbucket/1.0/repository/`));
	assert(ours.length === 1, `track's hooks: ${JSON.stringify(hooks)}`);
	await picture(page, 'hub-hooks');
});

step('git push of a commit "PROJ-1 #comment started #time 1h"', async () => {
	execFileSync('sh', ['-c', 'printf "\\nThe sign-in page is coming.\\n" >>README.md'], { cwd: work });
	git('commit', '-q', '-a', '-m', 'PROJ-1 #comment started #time 1h');
	git('push', '-q', 'origin', 'main');
	state.commit = git('rev-parse', 'HEAD').trim();
});

step('PROJ-1: the commit on the Development panel, and in its details', async () => {
	const { page } = state;
	await page.goto(`${trackUrl}/browse/PROJ-1`);
	const panel = page.locator('#development');
	await eventually(page, async () => await textOf(panel.locator('[data-dev="commits"]')) === '1',
		'one commit on the panel');
	await picture(page, 'track-panel-commit', { full: true });
	await go(page, (url) => url.pathname.startsWith('/browse/PROJ-1/'), () =>
		panel.locator('[data-dev="commits"]').click());
	await expectText(page.locator('section.dev-repo'), new RegExp(state.commit.slice(0, 7)),
		'the commit in the details');
	await picture(page, 'track-panel-commits');
});

// Nothing after builds on the smart commit's effects: a failure here does not skip the rest.
step('PROJ-1: the smart commit wrote the comment "started" and logged 1h', async () => {
	const { page } = state;
	await page.goto(`${trackUrl}/browse/PROJ-1`);
	await eventually(page, async () => await page.locator('article.issue-comment').count() > 0,
		'the comment');
	await expectText(page.locator('article.issue-comment'), /started/, 'the comment');
	await expectText(page.locator('dt:has-text("Logged") + dd'), /^1h$/, 'the time logged');
	await picture(page, 'track-smart-commit', { full: true });
	await page.goto(`${trackUrl}/browse/PROJ-1?tab=worklog`);
	await expectText(page.locator('table tbody tr'), /1h/, 'the work log');
	await picture(page, 'track-worklog');
}, { alone: true });

step('Create branch on the panel: hub\'s create-branch page, prefilled; Create', async () => {
	const { page } = state;
	await page.goto(`${trackUrl}/browse/PROJ-1`);
	const [hub] = await Promise.all([
		page.context().waitForEvent('page'),
		page.locator('#development').getByRole('link', { name: 'Create branch' }).click(),
	]);
	watch(hub);
	state.hub = hub;
	state.at = hub;
	await hub.waitForURL((url) => url.origin === hubOrigin && url.pathname === '/branch/create');
	await expectHeading(hub, 'Create a branch');
	await expectText(hub.locator('.form-card'), /For PROJ-1: Sign-in page/, 'the issue line');
	assert(await hub.getByLabel('Repository').inputValue() === `${team.id}/${repo.name}`,
		'the repository is not chosen');
	state.branch = await hub.getByLabel('Branch name').inputValue();
	assert(/^feature\/PROJ-1-sign-in-page$/.test(state.branch), `the name is "${state.branch}"`);
	await picture(hub, 'hub-create-branch');
	await hub.locator('.form-card').getByRole('button', { name: 'Create', exact: true }).click();
	await expectHeading(hub, `Branch ${state.branch} created`);
});

step('a commit on the branch, and a pull request from it', async () => {
	const hub = state.hub;
	git('fetch', '-q');
	git('checkout', '-q', state.branch);
	execFileSync('sh', ['-c', 'printf "<form>sign in</form>\\n" >signin.html'], { cwd: work });
	git('add', 'signin.html');
	git('commit', '-q', '-m', 'PROJ-1 The sign-in form');
	git('push', '-q', 'origin', state.branch);
	await go(hub, `${repo.path}/pull-requests/new`, () =>
		hub.getByRole('link', { name: 'Create a pull request' }).click());
	await hub.getByLabel('Title', { exact: true }).fill('PROJ-1 Sign-in page');
	await picture(hub, 'hub-pull-new');
	await go(hub, (url) => /\/pull-requests\/\d+$/.test(url.pathname), () =>
		hub.getByRole('button', { name: 'Create pull request' }).click());
	state.pull = new URL(hub.url()).pathname;
	await expectText(hub.locator('.pull-state'), /^OPEN$/, 'the state badge');
	await picture(hub, 'hub-pull');
});

const pullState = (page) => textOf(page.locator('#development [data-dev="pull_state"]'));

step('PROJ-1\'s panel: the branch, two commits and the pull request, OPEN', async () => {
	const { page } = state;
	state.at = page;
	await page.bringToFront();
	await page.goto(`${trackUrl}/browse/PROJ-1`);
	await eventually(page, async () => await pullState(page) === 'OPEN', 'the pull request OPEN');
	const panel = page.locator('#development');
	assert(await textOf(panel.locator('[data-dev="branches"]')) === '1', 'not one branch');
	assert(await textOf(panel.locator('[data-dev="commits"]')) === '2', 'not two commits');
	await picture(page, 'track-panel-open', { full: true });
});

step('merge it on hub: the panel says MERGED', async () => {
	const { page, hub } = state;
	state.at = hub;
	await hub.bringToFront();
	await hub.locator('.pull-merge summary').click();
	await go(hub, state.pull, () =>
		hub.locator('.pull-merge form').getByRole('button', { name: 'Merge' }).click());
	await expectText(hub.locator('.pull-state'), /^MERGED$/, 'the state badge');
	state.at = page;
	await page.bringToFront();
	await eventually(page, async () => await pullState(page) === 'MERGED', 'the pull request MERGED');
	await picture(page, 'track-panel-merged', { full: true });
	await go(page, (url) => url.pathname.startsWith('/browse/PROJ-1/'), () =>
		page.locator('#development [data-dev="pulls"]').click());
	await expectText(page.locator('table tbody tr', { hasText: 'PROJ-1 Sign-in page' }), /MERGED/,
		'the pull request in the details');
	await picture(page, 'track-panel-pulls');
});

main();
