import { h, tr } from '../lib/dom.js';
import { heading } from '../lib/forms.js';
import { startPage } from '../lib/shell.js';

/** Served by the service with status 404 for any path that has no page. */
async function main(): Promise<void> {
  const page = await startPage({ title: 'notFound.title' });
  const title = heading('h1', 'notFound.title');
  page.main.replaceChildren(
    h(
      'div',
      { class: 'stack' },
      title,
      h('p', { text: tr('notFound.text') }),
      h('p', {}, h('a', { href: '/', text: tr('notFound.home'), testid: 'home-link' })),
    ),
  );
}

void main();
