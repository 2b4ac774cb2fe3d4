// hub's OAuth pages in headless Chromium: a team administrator adds a consumer in the team's
// settings (the key shown, the secret shown once); another administrator of the team opens the
// authorization URL, sees the consent page, grants access and lands on the callback with a code
// and the state; the consumer is under their Integrated applications, and Revoke access removes
// it. Prints TAP (lib.mjs).
//
// Environment: HUB_URL; TEAM (a team's slug); HUB_ADMIN_USERNAME / HUB_ADMIN_PASSWORD and
// HUB_USERNAME / HUB_PASSWORD (two administrators of TEAM).
import {
	assert, env, expectHeading, expectText, go, main, screenshot, state, step, textOf,
} from './lib.mjs';

const hubUrl = env('HUB_URL').replace(/\/$/, '');
const team = env('TEAM');
const creator = { username: env('HUB_ADMIN_USERNAME'), password: env('HUB_ADMIN_PASSWORD') };
const other = { username: env('HUB_USERNAME'), password: env('HUB_PASSWORD') };
const callback = `${hubUrl}/`;

const signIn = async (page, who) => {
	await page.goto(`${hubUrl}/login`);
	await page.getByLabel('Username or email').fill(who.username);
	await page.getByLabel('Password').fill(who.password);
	await go(page, '/dashboard', () => page.getByRole('button', { name: 'Sign in' }).click());
};

step(`${creator.username} adds the consumer "Jira DVCS" in the team's settings`, async () => {
	const { page } = state;
	await signIn(page, creator);
	await page.goto(`${hubUrl}/${team}/settings`);
	await go(page, `/${team}/settings/oauth-consumers`, () =>
		page.getByRole('navigation', { name: 'Team settings' }).getByRole('link', { name: 'OAuth consumers' }).click());
	await page.getByLabel('Name', { exact: true }).fill('Jira DVCS');
	await page.getByLabel('Callback URL').fill(callback);
	for (const scope of ['account', 'repository:admin', 'pullrequest', 'webhook'])
		await page.locator(`input[name="scopes"][value="${scope}"]`).check();
	await go(page, `/${team}/settings/oauth-consumers`, () =>
		page.getByRole('button', { name: 'Save' }).click());
	await expectText(page.locator('.oauth-created'), /it will not be shown again/, 'the created notice');
	state.key = await textOf(page.locator('.oauth-created .oauth-key'));
	const secret = await textOf(page.locator('.oauth-created .oauth-secret'));
	assert(/^[0-9a-f]{32}$/.test(state.key), `key ${state.key}`);
	assert(/^[0-9a-f]{64}$/.test(secret), 'no secret of 64 hex digits');
	await screenshot(page, 'oauth-consumer-added');
	await page.goto(`${hubUrl}/${team}/settings/oauth-consumers`);
	assert(!(await page.content()).includes(secret), 'the secret is shown again after a reload');
});

step(`${other.username}, another administrator, sees the consent page`, async () => {
	const { page } = state;
	await go(page, '/', () => page.getByRole('banner').getByRole('button', { name: /^Sign out/ }).click());
	await signIn(page, other);
	await page.goto(`${hubUrl}/site/oauth2/authorize?client_id=${state.key}&response_type=code&state=from-browser`);
	await expectHeading(page, 'Confirm access to your account');
	await expectText(page.locator('.oauth-consent'), /Jira DVCS/, 'the consent page');
	await expectText(page.locator('.oauth-permissions'), /Administer your repositories/, 'the permissions');
	await screenshot(page, 'oauth-consent');
});

step('Grant access lands on the callback with a code and the state', async () => {
	const { page } = state;
	await go(page, (url) => url.href.startsWith(callback) && url.searchParams.has('code'), () =>
		page.getByRole('button', { name: 'Grant access' }).click());
	const url = new URL(page.url());
	assert(/^[0-9a-f]{64}$/.test(url.searchParams.get('code')), `code in ${url.href}`);
	assert(url.searchParams.get('state') === 'from-browser', `state in ${url.href}`);
});

step('the consumer is under Integrated applications, and Revoke access removes it', async () => {
	const { page } = state;
	await page.goto(`${hubUrl}/account/settings/applications`);
	await expectHeading(page, 'Manage account');
	const row = page.locator('tr.oauth-application', { hasText: 'Jira DVCS' });
	await row.waitFor({ state: 'visible' });
	assert(/repository:admin/.test(await textOf(row)), 'the permissions are not listed');
	await screenshot(page, 'oauth-applications');
	await go(page, '/account/settings/applications', () =>
		row.getByRole('button', { name: /Revoke access/ }).click());
	await expectText(page.getByRole('status'), /Access revoked/, 'the notice');
	assert(await page.locator('tr.oauth-application').count() === 0, 'the row is still there');
});

main();
