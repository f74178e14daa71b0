import { h, tr } from '../lib/dom.js';
import { startPage } from '../lib/shell.js';

async function main(): Promise<void> {
  const page = await startPage({ title: 'app.name', needsSession: false });
  if (!page) return;
  page.main.replaceChildren(
    h('p', {}, h('a', { href: '/', text: tr('nav.wallet'), testid: 'home-link' })),
  );
}

void main();
