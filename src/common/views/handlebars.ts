import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** `templates/` at the project root, from both `src/` (tests) and `dist/` (builds). */
export const TEMPLATES_DIR = resolve(__dirname, '..', '..', '..', 'templates');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * One Handlebars instance for pages and emails, so both share partials and helpers.
 * `{{x}}` escapes; the only triple-stash allowed is a layout's `{{{body}}}`.
 */
export function createHandlebars(root = TEMPLATES_DIR): typeof Handlebars {
  const hbs = Handlebars.create();
  const partialsDir = join(root, 'partials');
  for (const file of walk(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    const name = relative(partialsDir, file).replace(/\.hbs$/, '');
    hbs.registerPartial(name, readFileSync(file, 'utf8'));
  }
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('year', () => new Date().getUTCFullYear());
  hbs.registerHelper('isoDate', (value: unknown) =>
    value instanceof Date ? value.toISOString().slice(0, 10) : typeof value === 'string' ? value.slice(0, 10) : '',
  );
  // A tel: link's number: digits and a leading +, nothing that could end the attribute or change the scheme.
  hbs.registerHelper('telHref', (value: unknown) => (typeof value === 'string' ? value.replace(/(?!^\+)[^0-9]/g, '') : ''));
  return hbs;
}

/** Compiles each template file once per renderer and renders it with the shared instance. */
export class TemplateRenderer {
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    readonly hbs: typeof Handlebars = createHandlebars(),
    private readonly root = TEMPLATES_DIR,
  ) {}

  has(name: string): boolean {
    return existsSync(join(this.root, name));
  }

  render(name: string, context: object): string {
    let template = this.cache.get(name);
    if (!template) {
      template = this.hbs.compile(readFileSync(join(this.root, name), 'utf8'), { strict: false });
      this.cache.set(name, template);
    }
    return template(context);
  }
}
