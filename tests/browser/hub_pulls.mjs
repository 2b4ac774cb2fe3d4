// Pull requests in headless Chromium, from an issue to a merge: the owner opens the create-branch
// page from an issue-style link (prefilled bugfix/ name for a Bug) and creates the branch, follows
// the page's "git fetch && git checkout" with the real git, commits and pushes; the created page's
// "Create a pull request" link opens the form with the branch as source; the pull request is
// created with a reviewer, a line of its diff gets a comment, the reviewer (given read access on
// the repository's access page first) approves it in a second browser context, and the owner
// merges it: the badge says MERGED and main has the commit. Prints TAP (lib.mjs).
//
// Environment: HUB_URL; HUB_REPO (owner/slug of a private repository with main pushed);
// HUB_USERNAME / HUB_PASSWORD (its owner); REVIEWER / REVIEWER_PASSWORD (another user without
// access to it); WORK (a working copy of the repository whose origin is its URL with the owner's
// credentials; git's identity in the inherited environment).
import { execFileSync } from 'node:child_process';
import {
	assert, env, expectHeading, expectText, go, main, newContext, screenshot, state, step, textOf,
	watch,
} from './lib.mjs';

const hubUrl = env('HUB_URL').replace(/\/$/, '');
const repo = env('HUB_REPO');
const owner = { username: env('HUB_USERNAME'), password: env('HUB_PASSWORD') };
const reviewer = { username: env('REVIEWER'), password: env('REVIEWER_PASSWORD') };
const work = env('WORK');
const branch = 'bugfix/PROJ-12-fix-the-login';
const issueLink = '/branch/create?issueKey=PROJ-12&issueType=Bug&issueSummary=Fix the login';

// git(...args): runs git in the working copy; its output (stdout and stderr) or a failure.
const git = (...args) => {
	try {
		return execFileSync('git', args, { cwd: work, encoding: 'utf8', stdio: 'pipe', timeout: 30000 });
	} catch (e) {
		throw new Error(`git ${args.join(' ')}: ${e.stderr || e.message}`);
	}
};

const signIn = async (page, who) => {
	await page.goto(`${hubUrl}/login`);
	await page.getByLabel('Username or email').fill(who.username);
	await page.getByLabel('Password').fill(who.password);
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign in' }).click());
};

const noError = (page) => {
	const error = new URL(page.url()).searchParams.get('error');
	assert(!error, `refused: ${error}`);
};

step(`${owner.username} gives ${reviewer.username} read access to ${repo}`, async () => {
	const { page } = state;
	await signIn(page, owner);
	await page.goto(`${hubUrl}/${repo}/admin/access`);
	await page.getByLabel('Username or group slug').fill(reviewer.username);
	await page.getByLabel('Permission', { exact: true }).selectOption('read');
	await go(page, `/${repo}/admin/access`, () => page.getByRole('button', { name: 'Add' }).click());
	await expectText(page.locator('table tr', { hasText: reviewer.username }), /read/, 'the grant');
});

step('the create-branch page from an issue link is prefilled for a Bug', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}${issueLink}`);
	await expectHeading(page, 'Create a branch');
	await expectText(page.locator('.form-card'), /For PROJ-12: Fix the login/, 'the issue line');
	assert(await page.getByLabel('Repository').inputValue() === repo, 'the repository is not chosen');
	assert(await page.getByLabel('Type').inputValue() === 'bugfix/', 'the type is not bugfix/');
	assert(await page.getByLabel('Branch from').inputValue() === 'main', 'not from main');
	const name = await page.getByLabel('Branch name').inputValue();
	assert(name === branch, `the name is "${name}"`);
	await screenshot(page, 'pulls-create-branch');
});

step('Create makes the branch and shows how to check it out', async () => {
	const { page } = state;
	const answer = page.waitForResponse((r) => r.request().isNavigationRequest() &&
		r.request().method() === 'POST');
	await page.locator('.form-card').getByRole('button', { name: 'Create', exact: true }).click();
	const res = await answer;
	assert(res.status() === 201, `POST /branch/create answered ${res.status()}`);
	await expectHeading(page, `Branch ${branch} created`);
	state.checkout = await textOf(page.locator('.branch-checkout'));
	assert(state.checkout === `git fetch && git checkout ${branch}`, `"${state.checkout}"`);
	const heads = git('ls-remote', 'origin', `refs/heads/${branch}`);
	assert(heads.includes(`refs/heads/${branch}`), 'the branch is not in the repository');
});

step('git fetch && git checkout as the page says, a commit, and a push to the branch', async () => {
	git('fetch', '-q');
	git('checkout', '-q', branch);
	const fixed = 'int login(const char *user)\n{\n\treturn user != 0 && *user != \'\\0\';\n}\n';
	execFileSync('sh', ['-c', 'printf "%s" "$1" >login.c', 'sh', fixed], { cwd: work });
	git('commit', '-q', '-a', '-m', 'PROJ-12 Refuse an empty user name');
	git('push', '-q', 'origin', branch);
	const tip = git('rev-parse', 'HEAD').trim();
	assert(git('ls-remote', 'origin', `refs/heads/${branch}`).startsWith(tip), 'the push did not land');
});

step('"Create a pull request" on the created page opens the form with the branch as source', async () => {
	const { page } = state;
	await go(page, `/${repo}/pull-requests/new`, () =>
		page.getByRole('link', { name: 'Create a pull request' }).click());
	await expectHeading(page, 'Create a pull request');
	assert(await page.getByLabel('Source branch', { exact: true }).inputValue() === branch, 'the source is not the branch');
	assert(await page.getByLabel('Destination branch', { exact: true }).inputValue() === 'main', 'the destination is not main');
	await page.getByLabel('Title', { exact: true }).fill('PROJ-12 Fix the login');
	await page.getByLabel(/^Description/).fill('Refuses an **empty** user name.');
	await page.getByLabel(/^Reviewers/).fill(reviewer.username);
	await go(page, (url) => /\/pull-requests\/\d+$/.test(url.pathname), () =>
		page.getByRole('button', { name: 'Create pull request' }).click());
	state.pull = new URL(page.url()).pathname;
	await expectText(page.locator('.pull-state'), /^OPEN$/, 'the state badge');
	await expectText(page.locator('#pull-title'), /PROJ-12 Fix the login/, 'the title');
	await expectText(page.locator('.markdown strong'), /empty/, 'the description');
	await expectText(page.locator('.pull-reviewer'), new RegExp(reviewer.username), 'the reviewer');
	await screenshot(page, 'pulls-created');
});

step('the author edits the title and description with the Edit form on the page', async () => {
	const { page } = state;
	await page.locator('.pull-edit summary').click();
	assert(await page.getByLabel('Title', { exact: true }).inputValue() === 'PROJ-12 Fix the login',
		'the form does not hold the title');
	await page.getByLabel('Title', { exact: true }).fill('');
	await go(page, (url) => url.pathname === state.pull && url.searchParams.has('error'), () =>
		page.locator('.pull-edit form').evaluate((form) => form.submit()));
	await expectText(page.locator('.alert-error'), /title: This field is required/, 'the refusal');
	await expectText(page.locator('#pull-title'), /PROJ-12 Fix the login/, 'the unchanged title');
	await page.locator('.pull-edit summary').click();
	await page.getByLabel('Title', { exact: true }).fill('PROJ-12 Fix the login form');
	await page.getByLabel('Description (Markdown)').fill('Refuses an **empty** user name, and <b>says so</b>.');
	await go(page, (url) => url.pathname === state.pull && !url.searchParams.has('error'), () =>
		page.getByRole('button', { name: 'Save' }).click());
	noError(page);
	await expectText(page.locator('#pull-title'), /PROJ-12 Fix the login form/, 'the new title');
	await expectText(page.locator('.markdown'), /says so/, 'the new description');
	assert(await page.locator('.markdown b').count() === 0, 'raw HTML from the description');
	await expectText(page.locator('.pull-activity'), /updated the pull request/, 'the activity');
	await screenshot(page, 'pulls-edited');
});

step('a comment on line 3 of login.c in the diff shows under that line', async () => {
	const { page } = state;
	await go(page, `${state.pull}/diff`, () =>
		page.getByRole('navigation', { name: 'Pull request' }).getByRole('link', { name: 'Diff' }).click());
	const file = page.locator('section.diff-file', { hasText: 'login.c' });
	await expectText(file.locator('tr.diff-add'), /\*user != '\\0'/, 'the added line');
	await file.locator('.pull-inline-form summary').click();
	await file.getByLabel('Line', { exact: true }).fill('3');
	await file.getByLabel('Side').selectOption('new');
	await file.getByLabel('Comment', { exact: true }).fill('Does `*user` need a _length_ check?');
	await go(page, `${state.pull}/diff`, () =>
		file.getByRole('button', { name: 'Comment' }).click());
	noError(page);
	const row = page.locator('section.diff-file', { hasText: 'login.c' }).locator('tr.diff-comment');
	await expectText(row, /on login\.c line 3/, 'the inline comment');
	await expectText(row.locator('.markdown em'), /length/, 'its Markdown');
	// It sits right under the added line 3.
	const above = row.first().locator('xpath=preceding-sibling::tr[1]');
	assert(/diff-add/.test(await above.getAttribute('class')), 'the comment is not under the added line');
	await screenshot(page, 'pulls-inline-comment');
});

step(`${reviewer.username}, given access, approves in another session`, async () => {
	state.context2 = await newContext(state.browser);
	const page = await state.context2.newPage();
	watch(page);
	state.at = page;
	await signIn(page, reviewer);
	await page.goto(`${hubUrl}${state.pull}`);
	await expectText(page.locator('.pull-state'), /^OPEN$/, 'the state badge');
	await go(page, state.pull, () => page.getByRole('button', { name: 'Approve' }).click());
	noError(page);
	await expectText(page.locator('.pull-reviewer', { hasText: reviewer.username }), /approved/,
		'the reviewer');
	await page.getByRole('button', { name: 'Unapprove' }).waitFor();
	await screenshot(page, 'pulls-approved');
	state.at = null;
	await state.context2.close();
});

step(`${owner.username} merges it: the badge says MERGED and main has the commit`, async () => {
	const { page } = state;
	await page.goto(`${hubUrl}${state.pull}`);
	await expectText(page.locator('.pull-reviewer', { hasText: reviewer.username }), /approved/,
		'the approval');
	await page.locator('.pull-merge summary').click();
	assert(await page.getByLabel('Merge strategy').inputValue() === 'merge_commit',
		'the default strategy is not a merge commit');
	await go(page, state.pull, () =>
		page.locator('.pull-merge form').getByRole('button', { name: 'Merge' }).click());
	noError(page);
	await expectText(page.locator('.pull-state'), /^MERGED$/, 'the state badge');
	await page.locator('.pull-merge').waitFor({ state: 'detached' });
	const mergeHash = await textOf(page.locator('.pull-head dd a.hash'));
	await screenshot(page, 'pulls-merged');
	git('fetch', '-q', 'origin', 'main');
	const log = git('log', '--format=%H %s', 'FETCH_HEAD');
	assert(log.startsWith(mergeHash), `main's tip is not the merge commit ${mergeHash}: ${log}`);
	assert(log.includes('PROJ-12 Refuse an empty user name'), 'main lacks the commit');
	assert(git('rev-list', '--parents', '-n', '1', 'FETCH_HEAD').trim().split(' ').length === 3,
		'the merge commit does not have two parents');
});

step('the pull request list shows it under Merged', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/${repo}/pull-requests?state=MERGED`);
	await expectText(page.locator('main'), /PROJ-12 Fix the login/, 'the merged list');
});

main();
