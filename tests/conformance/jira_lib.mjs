// What the jira.js conformance scripts (jira.mjs, jira_search.mjs) share: the environment, both
// clients signed in as JIRA_EMAIL with JIRA_TOKEN against TRACK_URL, a tiny test registry with
// assertions, and the runner that prints TAP and sets the exit status.
import { Version2Client } from 'jira.js-5';
import { createCloudClient } from 'jira.js';

export const env = (name) => {
	const value = process.env[name];
	if (value === undefined) {
		console.log(`Bail out! ${name} is not set`);
		process.exit(1);
	}
	return value;
};

export const host = env('TRACK_URL').replace(/\/$/, '');
export const email = env('JIRA_EMAIL');
const apiToken = env('JIRA_TOKEN');

// The 5.4 Version2Client and the 6.x cloud client, which checks every answer against its schemas.
export const v2 = new Version2Client({ host, authentication: { basic: { email, apiToken } } });
export const cloud = createCloudClient({
	host,
	auth: { type: 'basic', email, apiToken },
	onSchemaMismatch: 'throw',
});

const cases = [];
export const test = (name, fn) => cases.push({ name, fn });

export class Failure extends Error {}
export const assert = (cond, why) => {
	if (!cond) throw new Failure(why);
};

const describe = (err) => {
	if (err instanceof Failure) return [err.message];
	const lines = [`${err.name}: ${err.message}`.slice(0, 600)];
	const status = err.status ?? err.response?.status;
	if (status !== undefined) lines.push(`status: ${status}`);
	const body = err.response?.data ?? err.data ?? err.body;
	if (body !== undefined) lines.push(`body: ${JSON.stringify(body).slice(0, 400)}`);
	return lines;
};

// Runs the registered cases in order and exits: 0 when all passed.
export const run = async () => {
	let failed = 0;
	console.log(`1..${cases.length}`);
	for (const [i, c] of cases.entries()) {
		try {
			await c.fn();
			console.log(`ok ${i + 1} - jira.js: ${c.name}`);
		} catch (err) {
			failed++;
			console.log(`not ok ${i + 1} - jira.js: ${c.name}`);
			for (const line of describe(err)) console.log(`# ${line}`);
		}
	}
	process.exit(failed ? 1 : 0);
};
