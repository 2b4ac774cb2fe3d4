// The copy buttons of hub's pages: <button data-copy-target="ID"> copies the value (or text) of
// the element with that id to the clipboard. A file, not inline script, for the CSP.
'use strict';
document.addEventListener('click', (event) => {
	const button = event.target.closest('[data-copy-target]');
	if (!button) return;
	const source = document.getElementById(button.dataset.copyTarget);
	if (!source) return;
	const text = source.value !== undefined ? source.value : source.textContent;
	const done = () => {
		const label = button.textContent;
		button.textContent = 'Copied';
		setTimeout(() => { button.textContent = label; }, 1500);
	};
	if (navigator.clipboard) {
		navigator.clipboard.writeText(text).then(done, () => source.select && source.select());
	} else if (source.select) {
		source.select();
	}
});
