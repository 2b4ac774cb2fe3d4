// The connector's consent flow in headless Chromium: track's administrator opens Administration ›
// Applications › DVCS accounts, fills "Link a Bitbucket Cloud or weft hub account" with a hub
// team's OAuth key and secret, is sent to hub (signs in there), sees "Confirm access to your
// account", grants access, comes back to the page with the account linked, and sees its
// repository appear (the page watches for discovery and reloads itself). Prints TAP (lib.mjs).
//
// Environment: HUB_URL, TRACK_URL; TEAM and REPO (a hub team and one of its repositories);
// HUB_USERNAME / HUB_PASSWORD (an administrator of TEAM); TRACK_ADMIN_USERNAME /
// TRACK_ADMIN_PASSWORD (a site administrator of track); OAUTH_KEY / OAUTH_SECRET (TEAM's consumer,
// its callback track's).
import {
	assert, env, expectHeading, expectText, go, main, screenshot, state, step, textOf,
} from './lib.mjs';

const hubUrl = env('HUB_URL').replace(/\/$/, '');
const trackUrl = env('TRACK_URL').replace(/\/$/, '');
const team = env('TEAM');
const repo = env('REPO');
const hubUser = { username: env('HUB_USERNAME'), password: env('HUB_PASSWORD') };
const admin = { username: env('TRACK_ADMIN_USERNAME'), password: env('TRACK_ADMIN_PASSWORD') };
const key = env('OAUTH_KEY');
const secret = env('OAUTH_SECRET');
const PAGE = '/secure/admin/dvcs';

step(`${admin.username} opens Administration › Applications › DVCS accounts`, async () => {
	const { page } = state;
	await page.goto(`${trackUrl}/login`);
	await page.getByLabel('Username or email').fill(admin.username);
	await page.getByLabel('Password').fill(admin.password);
	await go(page, '/dashboard', () => page.getByLabel('Password').press('Enter'));
	await go(page, '/admin', () => page.getByRole('link', { name: 'Administration' }).click());
	await go(page, PAGE, () => page.getByRole('navigation', { name: 'Administration' })
		.getByRole('link', { name: /DVCS accounts/ }).click());
	await page.getByRole('heading', { name: 'DVCS accounts' }).waitFor({ state: 'visible' });
	await expectText(page.locator('.dvcs-accounts'), /No account is linked yet/, 'the empty list');
});

step('the link form offers weft hub at the configured URL, both boxes checked', async () => {
	const { page } = state;
	const form = page.locator('form[action="/secure/admin/dvcs/accounts"]');
	assert(await form.locator('input[name="host"][value="weft"]').isChecked(), 'weft hub is not chosen');
	const url = await form.locator('#site_url').inputValue();
	assert(url === hubUrl, `the hub URL is "${url}", not ${hubUrl}`);
	assert(await page.getByLabel('Auto link new repositories').isChecked(), 'Auto link is not checked');
	assert(await page.getByLabel('Enable smart commits').isChecked(), 'Enable smart commits is not checked');
	await screenshot(page, 'dvcs-empty');
});

step('Add without a secret stays on the form', async () => {
	const { page } = state;
	await page.getByLabel('Team or user account').fill(team);
	await page.getByLabel('OAuth key').fill(key);
	await page.getByRole('button', { name: 'Add' }).click();
	assert(page.url() === `${trackUrl}${PAGE}`, `the browser left the form: ${page.url()}`);
	const missing = await page.getByLabel('OAuth secret').evaluate((el) => el.validity.valueMissing);
	assert(missing, 'the secret is not marked as missing');
});

step(`Add sends to hub, where ${hubUser.username} signs in and sees Confirm access`, async () => {
	const { page } = state;
	await page.getByLabel('OAuth secret').fill(secret);
	await go(page, (url) => url.origin === hubUrl && url.pathname === '/login', () =>
		page.getByRole('button', { name: 'Add' }).click());
	await page.getByLabel('Username or email').fill(hubUser.username);
	await page.getByLabel('Password').fill(hubUser.password);
	await go(page, (url) => url.origin === hubUrl && url.pathname === '/site/oauth2/authorize', () =>
		page.getByRole('button', { name: 'Sign in' }).click());
	await expectHeading(page, 'Confirm access to your account');
	await expectText(page.locator('.oauth-consent'), /Jira DVCS/, 'the consent page');
	await screenshot(page, 'dvcs-consent');
});

step('Grant access comes back to track with the account linked', async () => {
	const { page } = state;
	await go(page, (url) => url.origin === trackUrl && url.pathname === PAGE, () =>
		page.getByRole('button', { name: 'Grant access' }).click());
	await expectText(page.getByRole('status'), /The account is linked/, 'the notice');
	const account = page.locator('article.dvcs-account', { hasText: team });
	await account.waitFor({ state: 'visible' });
	assert(/linked/.test(await textOf(account.locator('h3'))), 'the account is not shown linked');
	state.account = account;
});

step(`its repository ${repo} appears, linked, without reloading by hand`, async () => {
	const { page } = state;
	const row = page.locator('tr.dvcs-repo', { hasText: repo });
	await row.waitFor({ state: 'visible', timeout: 30000 });
	assert(await row.getByLabel('Linked').isChecked(), 'the repository is not linked');
	assert(await row.getByLabel('Smart commits').isChecked(), 'smart commits are off');
	const status = await textOf(row.locator('.dvcs-sync-text'));
	assert(/synchroniz/i.test(status), `no sync status: "${status}"`);
	await screenshot(page, 'dvcs-linked');
});

main();
