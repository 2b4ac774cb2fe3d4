// hub's OAuth 2.0 (B.2) with a standard OAuth 2.0 client library, simple-oauth2 5.1: the
// authorization-code dance (the consent is given as a browser would, with alice's session),
// the token exchange with Basic and with body credentials, PKCE, refresh, client credentials,
// and the tokens used by the npm `bitbucket` client with auth { token }. Prints TAP.
//
// Environment: HUB_URL; HUB_USERNAME and HUB_PASSWORD (a user who may grant access); OAUTH_KEY
// and OAUTH_SECRET (a private consumer whose callback is OAUTH_CALLBACK, with the account and
// repository scopes).
import { createHash, randomBytes } from 'node:crypto';
import { AuthorizationCode, ClientCredentials } from 'simple-oauth2';

import { assert, client, env, hubUrl, rejects, runCases, test } from './lib.mjs';

const username = env('HUB_USERNAME');
const callback = env('OAUTH_CALLBACK');
const config = (authorizationMethod, authorizePath = '/site/oauth2/authorize') => ({
	client: { id: env('OAUTH_KEY'), secret: env('OAUTH_SECRET') },
	auth: {
		tokenHost: hubUrl,
		tokenPath: '/site/oauth2/access_token',
		...(authorizePath ? { authorizePath } : {}),
	},
	options: { authorizationMethod },
});
const oauth = new AuthorizationCode(config('header'));
const state = {};

// A tiny cookie jar: hub's session and CSRF cookies, as a browser keeps them.
const jar = new Map();
const remember = (res) => {
	for (const line of res.headers.getSetCookie()) {
		const [pair] = line.split(';');
		const i = pair.indexOf('=');
		jar.set(pair.slice(0, i), pair.slice(i + 1));
	}
};
const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const browse = async (url, init = {}) => {
	const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers || {}), cookie: cookie() } });
	remember(res);
	return res;
};
const csrfOf = (html) => (html.match(/name="csrf" value="([0-9a-f]+)"/) || [])[1];
const hidden = (html) => {
	const fields = {};
	for (const m of html.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)">/g))
		fields[m[1]] = m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
	return fields;
};

// Opens the authorization URL as the signed-in user, clicks Grant access, and returns the
// callback URL hub redirected to.
const consent = async (authorizationUrl) => {
	const page = await browse(authorizationUrl);
	const html = await page.text();
	assert(page.status === 200, `the consent page answered ${page.status}`);
	assert(html.includes('Confirm access to your account'), 'no consent page');
	const form = new URLSearchParams({ ...hidden(html), action: 'grant' });
	const res = await browse(`${hubUrl}/site/oauth2/authorize`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: form.toString(),
	});
	assert(res.status === 302, `Grant access answered ${res.status}`);
	return new URL(res.headers.get('location'));
};

test('alice signs in with the sign-in form', async () => {
	const page = await browse(`${hubUrl}/login`);
	const form = new URLSearchParams({ csrf: csrfOf(await page.text()), login: username, password: env('HUB_PASSWORD') });
	const res = await browse(`${hubUrl}/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: form.toString(),
	});
	assert(res.status === 303 && jar.has('hub_session'), `sign-in answered ${res.status}`);
});

test('authorization code: the consent redirects to the callback with code and state', async () => {
	const url = oauth.authorizeURL({ redirect_uri: `${callback}/done`, state: 'xyz 1' });
	const back = await consent(url);
	assert(back.href.startsWith(`${callback}/done?`), `redirected to ${back.href}`);
	assert(back.searchParams.get('state') === 'xyz 1', `state ${back.searchParams.get('state')}`);
	state.code = back.searchParams.get('code');
	assert(/^[0-9a-f]{64}$/.test(state.code), `code ${state.code}`);
});

test('getToken exchanges the code (client authenticated with Basic)', async () => {
	state.token = await oauth.getToken({ code: state.code, redirect_uri: `${callback}/done` });
	const t = state.token.token;
	assert(t.token_type === 'bearer' && t.expires_in === 7200, JSON.stringify(t));
	assert(/^[0-9a-f]{64}$/.test(t.access_token) && /^[0-9a-f]{64}$/.test(t.refresh_token), 'token shapes');
	assert(!state.token.expired(), 'the new token is already expired');
});

test('the same code a second time: invalid_grant', async () => {
	try {
		await oauth.getToken({ code: state.code, redirect_uri: `${callback}/done` });
	} catch (err) {
		assert(err.output && err.output.statusCode === 400, `status ${err.output && err.output.statusCode}`);
		assert(err.data.payload.error === 'invalid_grant', JSON.stringify(err.data.payload));
		return;
	}
	assert(false, 'the code worked twice');
});

test('the npm bitbucket client with auth { token } reads /2.0/user as alice', async () => {
	const { data } = await client({ token: state.token.token.access_token }).user.get({});
	assert(data.username === username, `username ${data.username}`);
});

test('refresh gives a new access token that works', async () => {
	const old = state.token.token.access_token;
	state.token = await state.token.refresh();
	const t = state.token.token;
	assert(t.access_token !== old && t.expires_in === 7200, JSON.stringify(t));
	const { data } = await client({ token: t.access_token }).repositories.list({ workspace: username });
	assert(Array.isArray(data.values), 'no values');
});

test('PKCE (S256) with body client credentials: the verifier gets tokens', async () => {
	const body = new AuthorizationCode(config('body'));
	const verifier = randomBytes(48).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	const back = await consent(body.authorizeURL({ redirect_uri: callback, code_challenge: challenge, code_challenge_method: 'S256' }));
	const token = await body.getToken({ code: back.searchParams.get('code'), redirect_uri: callback, code_verifier: verifier });
	assert(/^[0-9a-f]{64}$/.test(token.token.access_token), JSON.stringify(token.token));
});

test('client credentials act as the consumer owner', async () => {
	const token = await new ClientCredentials(config('header', null)).getToken({});
	const { data } = await client({ token: token.token.access_token }).user.get({});
	assert(data.username === username, `username ${data.username}`);
});

test('a revoked token gets 401 from the bitbucket client', async () => {
	await rejects(client({ token: '0'.repeat(64) }).user.get({}), 401);
});

runCases('bitbucket oauth');
