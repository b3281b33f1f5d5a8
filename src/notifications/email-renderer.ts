import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandlebars, TEMPLATES_DIR, TemplateRenderer } from '../common/views/handlebars';

export interface RenderedEmail {
  html: string;
  text: string;
}

const HTML_LAYOUT = 'emails/layouts/base.html.hbs';
const TEXT_LAYOUT = 'emails/layouts/base.txt.hbs';

/**
 * Renders `templates/emails/<name>.{html,txt}.hbs` inside the email layouts, with the partials and
 * helpers pages use. HTML escapes every `{{value}}`; plain text must not (an escaped `&amp;` would
 * show literally), so it is compiled with `noEscape` on a Handlebars instance of its own: partials
 * compiled on first use are cached in their instance, and a noEscape copy must never reach HTML.
 */
export class EmailRenderer {
  private readonly html: TemplateRenderer;
  private readonly textHbs: typeof Handlebars;
  private readonly textCache = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly root = TEMPLATES_DIR) {
    this.html = new TemplateRenderer(createHandlebars(root), root);
    this.textHbs = createHandlebars(root);
  }

  /** The template files `name` needs that do not exist (both HTML and plain text are required). */
  missingFiles(name: string): string[] {
    return [`emails/${name}.html.hbs`, `emails/${name}.txt.hbs`].filter((file) => !this.html.has(file));
  }

  /** `context` feeds the template; `layout` the surrounding layout (brand, footer, unsubscribe link). */
  render(name: string, context: object, layout: object): RenderedEmail {
    const htmlBody = this.html.render(`emails/${name}.html.hbs`, context);
    const textBody = this.renderText(`emails/${name}.txt.hbs`, context);
    return {
      html: this.html.render(HTML_LAYOUT, { ...layout, body: htmlBody }),
      text: tidyText(this.renderText(TEXT_LAYOUT, { ...layout, body: textBody })),
    };
  }

  private renderText(file: string, context: object): string {
    let template = this.textCache.get(file);
    if (!template) {
      template = this.textHbs.compile(readFileSync(join(this.root, file), 'utf8'), { noEscape: true });
      this.textCache.set(file, template);
    }
    return template(context);
  }
}

/** Template whitespace shouldn't reach the reader: no trailing spaces, at most one blank line in a row. */
function tidyText(text: string): string {
  return (
    text
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}
