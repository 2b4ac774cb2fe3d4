// The harness of the browser tests (hub.mjs, track.mjs): headless Debian Chromium driven by
// playwright-core, TAP output, steps that each build on the one before (after a failure the rest
// are skipped), and a last test that no console error, page error, failed request or Content
// Security Policy violation happened during the whole run. A failed step prints the page's URL and
// text as diagnostics and a screenshot.
//
// Environment: SCREENSHOT_DIR (where the screenshots go; default: a new temporary directory),
// CHROMIUM (the browser; default /usr/bin/chromium).
//
// A script may change settings before main(): the pages' viewport.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const env = (name, fallback) => {
	const value = process.env[name] || fallback;
	if (value === undefined) {
		console.log(`Bail out! ${name} is not set`);
		process.exit(1);
	}
	return value;
};

const shots = process.env.SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'weft-browser-'));
mkdirSync(shots, { recursive: true });
const executablePath = env('CHROMIUM', '/usr/bin/chromium');

const WAIT_MS = 15000; // any one wait: an element, a navigation, a click

// What a script may change before main(): the viewport of every page, and how long the whole run
// may take (the shell's last resort, browser_lib.sh, must allow more).
export const settings = { viewport: { width: 1280, height: 900 }, runMs: 90000 };

// --- TAP -----------------------------------------------------------------------------------------

let n = 0;
let failed = 0;
export const diag = (text) => {
	for (const line of String(text).split('\n')) console.log(`# ${line}`);
};
const tapDesc = (s) => s.replace(/[\n#]/g, ' ');

export class Failure extends Error {}
export const assert = (cond, why) => {
	if (!cond) throw new Failure(why);
};

let watchdog = null;
const startWatchdog = () => {
	watchdog = setTimeout(() => {
		console.log(`Bail out! the browser test did not end within ${settings.runMs / 1000} s`);
		process.exit(1);
	}, settings.runMs);
};

// --- what goes wrong in the pages ----------------------------------------------------------------

// Every console error, page error, failed request, HTTP error of a sub-resource and CSP violation,
// with the step it happened in. A step may allow some (the 401 of a refused sign-in).
const problems = [];
let currentStep = '(setup)';
let allowed = [];
// allow(list): the problems a step expects ({kind, test(text, url)}); [] again after it.
export const allow = (list) => {
	allowed = list;
};

const note = (kind, text, url) => {
	if (allowed.some((a) => a.kind === kind && a.test(text, url))) return;
	problems.push({ step: currentStep, kind, text, url });
};

export const watch = (page) => {
	page.on('console', (msg) => {
		if (msg.type() === 'error' || /content security policy/i.test(msg.text()))
			note(`console.${msg.type()}`, msg.text(), msg.location().url);
	});
	page.on('pageerror', (err) => note('pageerror', String(err), page.url()));
	page.on('requestfailed', (req) => {
		const why = req.failure()?.errorText;
		// A sub-resource still loading when the page moves on (the icon, as a form is sent) is
		// abandoned by the browser, not refused by the server.
		if (why === 'net::ERR_ABORTED' && req.resourceType() !== 'document')
			return;
		note('requestfailed', `${req.method()} ${req.url()}: ${why}`, req.url());
	});
	page.on('response', (res) => {
		if (res.status() >= 400 && res.request().resourceType() !== 'document')
			note('http', `${res.request().method()} ${res.url()}: ${res.status()}`, res.url());
	});
};

// The page reports its own CSP violations to a binding (the event carries what the console may
// word differently from one Chromium to the next).
export const newContext = async (browser) => {
	const context = await browser.newContext({ viewport: settings.viewport });
	context.setDefaultTimeout(WAIT_MS);
	context.setDefaultNavigationTimeout(WAIT_MS);
	await context.exposeBinding('weftCspViolation', ({ page }, v) =>
		note('csp', `${v.directive} blocked ${v.blocked || '(inline)'} at ${v.source}:${v.line}`,
			page ? page.url() : v.document));
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.weftCspViolation({
				directive: e.effectiveDirective || e.violatedDirective,
				blocked: e.blockedURI,
				source: e.sourceFile,
				line: e.lineNumber,
				document: e.documentURI,
			});
		});
	});
	return context;
};

// --- helpers -------------------------------------------------------------------------------------

// screenshot(page, name, {fullPage, numbered}): NN-name.png of the whole page by default; name.png
// (numbered: false) of what the viewport shows (fullPage: false) for pictures kept in docs/.
let shotSeq = 0;
export const screenshot = async (page, name, { fullPage = true, numbered = true } = {}) => {
	shotSeq += 1;
	const file = numbered ? `${String(shotSeq).padStart(2, '0')}-${name}.png` : `${name}.png`;
	const path = join(shots, file);
	await page.screenshot({ path, fullPage, timeout: WAIT_MS });
	return path;
};

export const within = (promise, ms, fallback) =>
	Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(fallback), ms))]);

// The page a step was on when it failed: its URL and text, for the diagnostics.
export const describe = async (page) => {
	if (!page || page.isClosed()) return 'no page';
	const text = await within(
		page.evaluate(() => (document.body || document.documentElement).innerText)
			.catch((e) => `(no text: ${e.message})`),
		3000, '(no text: the page did not answer)');
	const clipped = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
	return `page: ${page.url()}\npage text:\n${clipped.replace(/\n{2,}/g, '\n')}`;
};

export const pathOf = (page) => new URL(page.url()).pathname;
export const onPath = (path) => (url) => url.pathname === path;

// go(page, where, action): does action (a click, a key press) and waits until the page is at
// where (a path, or a test of the URL). A page answered with an error status (a refused form: 400,
// 401, 409, 429; or a 404, a 500) fails at once with its alert, rather than at the timeout.
export const go = async (page, where, action) => {
	const arrived = page.waitForURL(typeof where === 'string' ? onPath(where) : where)
		.then(() => null);
	const refused = page.waitForResponse((r) =>
		r.request().isNavigationRequest() && r.request().frame() === page.mainFrame() &&
		r.status() >= 400);
	// When the action fails, neither wait is awaited: their rejections are not the failure.
	arrived.catch(() => {});
	refused.catch(() => {});
	await action();
	const bad = await Promise.race([arrived, refused]);
	if (!bad) return;
	await page.waitForLoadState('load');
	const alert = page.locator('[role="alert"]');
	const why = await alert.count() ? `: ${await textOf(alert.first())}` : '';
	throw new Failure(`${bad.request().method()} ${new URL(bad.url()).pathname} answered ` +
		`${bad.status()}${why}`);
};

export const textOf = async (locator) => ((await locator.textContent({ timeout: WAIT_MS })) || '')
	.replace(/\s+/g, ' ').trim();

export const expectText = async (locator, pattern, what) => {
	await locator.first().waitFor({ state: 'visible' });
	const text = await textOf(locator.first());
	assert(pattern.test(text), `${what}: "${text}" does not match ${pattern}`);
};

export const expectHeading = (page, name) =>
	page.getByRole('heading', { level: 1, name }).waitFor({ state: 'visible' });

// toTeamGroups(page, team): from hub's page of the team (its slug), Team settings › User groups.
export const toTeamGroups = async (page, team) => {
	await go(page, `/${team}/settings`, () =>
		page.getByRole('link', { name: 'Team settings' }).click());
	await go(page, `/${team}/settings/groups`, () =>
		page.getByRole('navigation', { name: 'Team settings' })
			.getByRole('link', { name: 'User groups' }).click());
};

// --- the steps -----------------------------------------------------------------------------------

// step(name, fn, {alone}): a step; alone: nothing after it builds on it, so its failure does not
// skip the steps that follow (it still fails the run).
const steps = [];
export const step = (name, fn, { alone = false } = {}) => steps.push({ name, fn, alone });
export const state = {};

// --- the run -------------------------------------------------------------------------------------

const run = async () => {
	const started = Date.now();
	startWatchdog();
	try {
		state.browser = await chromium.launch({
			executablePath,
			timeout: 30000,
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
				'--disable-component-update', '--disable-sync', '--no-first-run'],
		});
	} catch (e) {
		console.log(`Bail out! cannot start ${executablePath}: ${e.message.split('\n')[0]}`);
		process.exit(1);
	}
	diag(`${state.browser.version()} (playwright-core), screenshots in ${shots}`);
	state.context = await newContext(state.browser);
	state.page = await state.context.newPage();
	watch(state.page);

	let broken = null;
	for (const { name, fn, alone } of steps) {
		n += 1;
		if (broken) {
			console.log(`ok ${n} - ${tapDesc(name)} # SKIP "${tapDesc(broken)}" failed`);
			continue;
		}
		currentStep = name;
		const t0 = Date.now();
		try {
			await fn();
			console.log(`ok ${n} - ${tapDesc(name)}`);
		} catch (e) {
			failed += 1;
			if (!alone)
				broken = name;
			console.log(`not ok ${n} - ${tapDesc(name)}`);
			const stack = (e.stack || String(e)).split('\n').slice(0, 6).join('\n');
			diag(e instanceof Failure ? e.message : stack);
			const page = state.at || state.page;
			diag(await describe(page));
			try {
				diag(`screenshot: ${await screenshot(page, 'failure')}`);
			} catch {
				// no screenshot of a page that does not answer
			}
		}
		diag(`${Date.now() - t0} ms`);
	}
	currentStep = '(end)';

	const show = (p) => diag(`[${p.step}] ${p.kind}: ${p.text}${p.url ? ` (${p.url})` : ''}`);

	n += 1;
	const desc = 'no console error, page error, failed request or CSP violation in the whole run ' +
		'(the icon included)';
	if (problems.length === 0) {
		console.log(`ok ${n} - ${desc}`);
	} else {
		failed += 1;
		console.log(`not ok ${n} - ${desc}`);
		problems.slice(0, 20).forEach(show);
	}

	await within(state.browser.close(), 5000);
	console.log(`1..${n}`);
	diag(`${Date.now() - started} ms in all`);
	clearTimeout(watchdog);
	process.exit(failed ? 1 : 0);
};

// main(): runs the steps declared with step(), then exits with the run's status.
export const main = () => run().catch((e) => {
	console.log(`Bail out! ${(e.stack || String(e)).split('\n')[0]}`);
	process.exit(1);
});
