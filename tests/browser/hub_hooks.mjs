// hub's webhook pages in headless Chromium: a repository administrator adds a webhook on the
// repository's Settings › Webhooks page (pointing at the test's receiver), a real `git push`
// follows, and the hook's "View requests" log shows the repo:push request delivered with the
// receiver's 2xx status, and its details the attempt with that status. Prints TAP (lib.mjs).
//
// Environment: HUB_URL; HUB_USERNAME / HUB_PASSWORD (an administrator of the repository);
// REPO (workspace/slug); RECEIVER_URL (where the webhook points); WORK (a git work tree with a
// commit on main) and REMOTE (the repository's URL with credentials) for the push.
import { execFileSync } from 'node:child_process';
import {
	assert, env, expectHeading, expectText, go, main, screenshot, state, step, textOf,
} from './lib.mjs';

const hubUrl = env('HUB_URL').replace(/\/$/, '');
const user = { username: env('HUB_USERNAME'), password: env('HUB_PASSWORD') };
const repo = env('REPO');
const receiver = env('RECEIVER_URL');
const work = env('WORK');
const remote = env('REMOTE');
const hooksPath = `/${repo}/admin/hooks`;
const title = 'Browser receiver';

step(`${user.username} signs in and opens the repository's Settings › Webhooks`, async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/login`);
	await page.getByLabel('Username or email').fill(user.username);
	await page.getByLabel('Password').fill(user.password);
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign in' }).click());
	await page.goto(`${hubUrl}/${repo}/admin`);
	await go(page, hooksPath, () => page.getByRole('navigation', { name: 'Repository settings' })
		.getByRole('link', { name: 'Webhooks' }).click());
	await expectHeading(page, /settings/);
	await expectText(page.locator('nav.tabs a[aria-current="page"]'), /^Webhooks$/,
		'Webhooks, the current settings tab');
	await expectText(page.locator('table tbody'), /No webhooks yet/, 'the empty list');
});

step('adds a webhook for Repository push pointing at the receiver', async () => {
	const { page } = state;
	await page.getByLabel('Title', { exact: true }).fill(title);
	await page.getByLabel('URL', { exact: true }).fill(receiver);
	await page.locator('input[name="events"][value="repo:push"]').check();
	await go(page, hooksPath, () => page.getByRole('button', { name: 'Save' }).click());
	await expectText(page.getByRole('status'), /Saved/, 'the notice');
	const row = page.locator('tr', { hasText: title });
	await row.waitFor({ state: 'visible' });
	const text = await textOf(row);
	assert(text.includes(receiver) && /repo:push/.test(text) && /\bactive\b/.test(text),
		`the row: "${text}"`);
	await screenshot(page, 'hook-added');
	await go(page, (url) => /^\/[^/]+\/[^/]+\/admin\/hooks\/\{?[0-9a-f-]{36}\}?\/requests$/
		.test(decodeURIComponent(url.pathname)), () =>
		row.getByRole('link', { name: 'View requests' }).click());
	await expectText(page.locator('table tbody'), /No requests/, 'the log before the push');
	state.requests = page.url();
});

step('git push of a commit is logged as repo:push, delivered with a 2xx status', async () => {
	const { page } = state;
	execFileSync('git', ['-C', work, 'push', '-q', remote, 'main'],
		{ stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
	const row = page.locator('tr.hook-request');
	let text = '';
	for (let i = 0; i < 40; i += 1) {
		await page.goto(state.requests);
		if (await row.count()) {
			text = await textOf(row.first());
			if (/delivered/.test(text)) break;
		}
		await page.waitForTimeout(250);
	}
	assert(await row.count() === 1, `${await row.count()} requests logged, not 1`);
	assert(/repo:push/.test(text) && /delivered \(2\d\d\)/.test(text),
		`the request's row: "${text}"`);
	assert(!(await row.first().getAttribute('class')).includes('hook-request-failed'),
		'the request is marked failed');
	await screenshot(page, 'hook-requests');
});

step("the request's details show the push and the attempt's 2xx answer", async () => {
	const { page } = state;
	await go(page, (url) => /\/requests\/\d+$/.test(url.pathname), () =>
		page.locator('tr.hook-request').first().getByRole('link', { name: 'View details' }).click());
	await expectText(page.locator('#request-title'), /repo:push · delivered/, 'the title');
	const head = execFileSync('git', ['-C', work, 'rev-parse', 'HEAD']).toString().trim();
	const body = await textOf(page.locator('pre.code-block').first());
	assert(body.includes(head), `the body lacks the pushed commit ${head}`);
	const attempt = page.locator('section.hook-attempt').first();
	await expectText(attempt.locator('h3'), /Attempt 1 · .* · 2\d\d$/, 'the attempt');
	assert(/X-Event-Key: repo:push/i.test(await textOf(attempt)), 'no X-Event-Key in the attempt');
	await screenshot(page, 'hook-request');
});

main();
