// The viewer's entry: the page named in the URL's hash, with its state in the hash's query, so
// that a view can be shared as a link.

import { CaseBrowser } from './cases.js';
import { Dashboard } from './dashboard.js';
import { ExplainPage } from './explain.js';

const PAGES = { cases: CaseBrowser, explain: ExplainPage, evaluation: Dashboard };

function parse() {
  const [page, query] = (location.hash.slice(1) || 'cases').split('?');
  return { page, state: Object.fromEntries(new URLSearchParams(query ?? '')) };
}

function save(page, state) {
  const query = new URLSearchParams(Object.entries(state).filter(([, v]) => v !== undefined && v !== null));
  history.replaceState(null, '', '#' + page + '?' + query);
}

async function open() {
  const { page, state } = parse();
  const root = document.getElementById('page');
  document.querySelectorAll('nav a[data-page]').forEach((a) => a.classList.toggle('on', a.dataset.page === page));
  try {
    const Page = PAGES[page] ?? CaseBrowser;
    const shown = new Page(root, state, (s) => save(page in PAGES ? page : 'cases', s));
    await shown.start();
  } catch (error) {
    root.textContent = 'The viewer could not start: ' + error.message;
  }
}

window.addEventListener('hashchange', (e) => {
  // a new page, not a state change of the shown one
  if (new URL(e.oldURL).hash.split('?')[0] !== location.hash.split('?')[0]) {
    open();
  }
});
open();
