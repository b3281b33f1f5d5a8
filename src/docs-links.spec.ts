import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The README and docs/ link only to files in the repository (a clone has nothing beside it). */
const ROOT = resolve(__dirname, '..');
const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Relative link targets of a Markdown text (inline links and images; URLs, mailto and anchors left out). */
function localLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#')).map((t) => t.split('#')[0]);
}

describe('documentation links', () => {
  it('finds the documents and their links', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/ARCHITECTURE.md']));
    expect(localLinks('[a](docs/A.md) [b](https://x.org) [c](#top) [d](../e.md#s)')).toEqual(['docs/A.md', '../e.md']);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('](docs/ARCHITECTURE.md)');
  });

  it.each(documents)('%s links only to files inside the repository that exist', (document) => {
    const text = readFileSync(join(ROOT, document), 'utf8');
    const broken = localLinks(text).filter((target) => {
      const path = resolve(dirname(join(ROOT, document)), decodeURI(target));
      return relative(ROOT, path).startsWith(`..${sep}`) || !existsSync(path);
    });
    expect(broken).toEqual([]);
  });
});
