// The development panel of the issue page: every few seconds it fetches the panel's counts
// (data-dev-summary) and writes each into the element data-dev names, as text only, so that a
// push shows up without a reload. A file, not inline script, for the CSP.
'use strict';
(() => {
	const panel = document.querySelector('[data-dev-summary]');
	if (!panel) return;
	const show = (counts) => {
		for (const el of panel.querySelectorAll('[data-dev]')) {
			const value = counts[el.dataset.dev];
			if (value !== undefined) el.textContent = String(value);
		}
	};
	const poll = () => {
		fetch(panel.dataset.devSummary, { headers: { Accept: 'application/json' }, cache: 'no-store' })
			.then((res) => (res.ok ? res.json() : null))
			.then((counts) => counts && show(counts))
			.catch(() => {})
			.finally(() => setTimeout(poll, 3000));
	};
	setTimeout(poll, 3000);
})();
