import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Where browser tests save their screenshots (kept by CI as test output). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');

/** A phone-sized browser context: every customer and staff page is built for this first. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Debian's Chromium, headless, with nothing that reaches out to the internet on its own. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Runs axe-core in the page; answers the serious and critical violations, in a readable form. The source is
 * evaluated through the DevTools protocol rather than added as a script tag, so the app's own CSP stays in
 * force. A run that checked nothing counts as a failure.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Strings, not functions: this project compiles without the DOM library.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const { violations, passes } = (await page.evaluate('axe.run().then((r) => ({ violations: r.violations, passes: r.passes.length }))')) as {
    violations: AxeViolation[];
    passes: number;
  };
  if (passes === 0) return ['axe-core checked nothing on this page'];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** A common laptop screen: the staff shell's sidebar layout. */
export const DESKTOP = { viewport: { width: 1366, height: 900 } } as const;

/**
 * How many pixels the page is wider than the screen (0 or less: it fits). Compared with the viewport's
 * width, not `window.innerWidth`: a mobile browser widens its layout viewport to fit an overflowing page,
 * so `innerWidth` grows with the page and a check against it can't fail.
 */
export async function horizontalOverflow(page: Page): Promise<number> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('horizontalOverflow needs a context with a fixed viewport');
  const width = (await page.evaluate('Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0)')) as number;
  return width - viewport.width;
}
