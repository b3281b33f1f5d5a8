import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';

type Response = Awaited<ReturnType<NestFastifyApplication['inject']>>;
export type FormFields = Record<string, string | string[] | undefined>;

/** The `_csrf` value of the first form on a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token on the page:\n${html.slice(0, 500)}`);
  return match[1];
}

/** An `application/x-www-form-urlencoded` body; an array is a repeated field (checkboxes). */
export function urlEncoded(fields: FormFields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

/** A multipart/form-data body with one file field. */
export function multipart(fieldName: string, filename: string, content: Buffer | string, contentType = 'text/csv') {
  const boundary = `----goodword${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * A browser without JavaScript, over `app.inject`: keeps cookies, asks for HTML, posts url-encoded forms
 * with the CSRF token of the page it read last.
 */
export class FormBrowser {
  readonly cookies: Record<string, string> = {};
  lastToken?: string;

  constructor(private readonly app: NestFastifyApplication) {}

  async get(url: string): Promise<Response> {
    const res = await this.app.inject({ method: 'GET', url, headers: { accept: 'text/html' }, cookies: this.cookies });
    this.keep(res);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.lastToken = token;
    return res;
  }

  /** Posts `fields` as the form would; `_csrf` is the last page's token unless given (null: none at all). */
  async post(url: string, fields: FormFields = {}, csrf: string | null = this.lastToken ?? null): Promise<Response> {
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      cookies: this.cookies,
      payload: urlEncoded(csrf === null ? fields : { ...fields, _csrf: csrf }),
    });
    this.keep(res);
    return res;
  }

  /** Reads `pageUrl` for its token, then posts the form to `action`. */
  async submit(pageUrl: string, action: string, fields: FormFields = {}): Promise<Response> {
    const page = await this.get(pageUrl);
    if (page.statusCode !== 200) throw new Error(`GET ${pageUrl} answered ${page.statusCode}`);
    return this.post(action, fields, csrfTokenIn(page.body));
  }

  async upload(url: string, filename: string, content: Buffer | string, contentType = 'text/csv'): Promise<Response> {
    const { payload, headers } = multipart('file', filename, content, contentType);
    const res = await this.app.inject({ method: 'POST', url, headers: { ...headers, accept: 'text/html' }, cookies: this.cookies, payload });
    this.keep(res);
    return res;
  }

  /** A browser that already has this one's session cookie (another tab). */
  clone(): FormBrowser {
    const other = new FormBrowser(this.app);
    Object.assign(other.cookies, this.cookies);
    return other;
  }

  /** Signs in through the login form. */
  async signIn(email: string, password: string, next?: string): Promise<Response> {
    await this.get('/login');
    return this.post('/login', { email, password, next });
  }

  private keep(res: Response): void {
    for (const cookie of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.value === '';
      if (expired) delete this.cookies[cookie.name];
      else this.cookies[cookie.name] = cookie.value;
    }
  }
}

/** The visible text of the error summary / alert on a page (tags stripped). */
export function alertText(html: string): string {
  const match = /<(div|p|section)[^>]*role="alert"[^>]*>([\s\S]*?)<\/\1>/.exec(html);
  return match ? decodeHtml(match[2].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) : '';
}

/** Undoes Handlebars' escaping (`&#x3D;` for =, `&#x27;` for ', ...). */
export function decodeHtml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
