// The shared prelude of the bitbucket*.mjs conformance files: the environment, the npm `bitbucket`
// client pointed at weft, and the TAP harness (test() registers a case, runCases() runs them all
// and exits 1 if one failed).
import bitbucket from 'bitbucket'; // CommonJS: no named exports

const { Bitbucket } = bitbucket;

// env NAME [FALLBACK]: the variable's value; without one and without a fallback, bail out.
export const env = (name, fallback) => {
	const value = process.env[name] ?? fallback;
	if (value === undefined) {
		console.log(`Bail out! ${name} is not set`);
		process.exit(1);
	}
	return value;
};

export const hubUrl = env('HUB_URL').replace(/\/$/, '');

// A client of hub's 2.0 API; anonymous without auth ({ username, password }).
export const client = (auth) =>
	new Bitbucket({
		baseUrl: `${hubUrl}/2.0`,
		...(auth ? { auth } : {}),
		notice: false,
		request: { timeout: 10000 },
	});

// The client of HUB_USERNAME with HUB_PASSWORD, or of the OAuth access token HUB_TOKEN when it
// is set (auth: { token } sends it as Bearer).
export const userClient = () =>
	process.env.HUB_TOKEN
		? client({ token: process.env.HUB_TOKEN })
		: client({ username: env('HUB_USERNAME'), password: env('HUB_PASSWORD') });

export const uuidRe = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;

// A failed expectation, as opposed to an error the client threw.
export class Failure extends Error {}

export const assert = (cond, why) => {
	if (!cond) throw new Failure(why);
};

// absolute LINK WHAT: LINK is {href} with an absolute URL on this hub.
export const absolute = (link, what) =>
	assert(link && typeof link.href === 'string' && link.href.startsWith(hubUrl + '/'),
		`${what} is not an absolute link to ${hubUrl}: ${JSON.stringify(link)}`);

// rejects PROMISE STATUS [TEXT]: PROMISE fails with STATUS and Bitbucket's error body, whose
// message contains TEXT if given.
export const rejects = async (promise, status, text) => {
	try {
		await promise;
	} catch (err) {
		if (err instanceof Failure) throw err;
		assert(err.status === status, `status ${err.status}, not ${status}`);
		const message = err.error && err.error.error && err.error.error.message;
		assert(typeof message === 'string' && message, 'no Bitbucket error message');
		if (text) assert(message.includes(text), `message '${message}' lacks '${text}'`);
		return;
	}
	throw new Failure(`no error was thrown (expected ${status})`);
};

const cases = [];
export const test = (name, fn) => cases.push({ name, fn });

// The "# " lines under a failed case: the expectation, or what the client reported.
const describe = (err) => {
	if (err instanceof Failure) return [err.message];
	const lines = [`${err.name}: ${err.message}`];
	if (err.status !== undefined) lines.push(`status: ${err.status}`);
	if (err.error !== undefined) lines.push(`body: ${JSON.stringify(err.error).slice(0, 400)}`);
	if (err.request) lines.push(`request: ${err.request.method} ${err.request.url}`);
	if (err.status === undefined && err.stack) lines.push(...err.stack.split('\n').slice(1, 8));
	return lines;
};

// Runs the registered cases in order, printing TAP with LABEL before each case's name.
export const runCases = async (label) => {
	let failed = 0;
	console.log(`1..${cases.length}`);
	for (const [i, c] of cases.entries()) {
		try {
			await c.fn();
			console.log(`ok ${i + 1} - ${label}: ${c.name}`);
		} catch (err) {
			failed++;
			console.log(`not ok ${i + 1} - ${label}: ${c.name}`);
			for (const line of describe(err)) console.log(`# ${line}`);
		}
	}
	process.exit(failed ? 1 : 0);
};
