import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);
export const SCREENSHOTS = resolve(__dirname, 'screenshots');

const REPOSITORY = resolve(__dirname, '..', '..', '..');

/**
 * Whether the service has a controller for a route prefix (`v1/auth/mfa`): the flows of routes that
 * other work has not landed yet are skipped, visibly, instead of failing.
 */
export function servesControllerPrefix(prefix: string): boolean {
  const needle = `@Controller('${prefix}')`;
  const libs = join(REPOSITORY, 'libs');
  return readdirSync(libs, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.controller.ts'))
    .some((file) => readFileSync(join(libs, file), 'utf8').includes(needle));
}

/** The hub as `npm run build` makes it (vite into dist/hub, where the api finds it). */
export function buildHub(): void {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/hub/vite.config.mjs'], {
    cwd: REPOSITORY,
    stdio: 'pipe',
  });
}

export interface HubBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and CSP refusals seen so far (a page that breaks its own CSP logs one). */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile (Playwright's way to pass --user-data-dir). */
export async function openBrowser(origin: string): Promise<HubBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'hub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: DESKTOP,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon|status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/**
 * axe-core's serious and critical findings on the page as it is now. The script goes in through the
 * DevTools protocol (page.evaluate), which the page's CSP does not govern; the page itself stays strict.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    interface AxeResult {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }>;
    }
    const browserGlobal = globalThis as unknown as {
      document: unknown;
      axe: { run(context: unknown, options: object): Promise<AxeResult> };
    };
    const result = await browserGlobal.axe.run(browserGlobal.document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.length }));
  });
}

/**
 * On a phone-sized screen the page itself must not scroll sideways (a wide table scrolls inside its own
 * region instead): a finding naming the elements that stick out past the viewport's right edge.
 */
export async function sidewaysScroll(page: Page): Promise<AxeViolation[]> {
  // A string, run in the page: the test's TypeScript has no DOM types. Text nodes count too (a long word
  // overflows its box without moving the box); what is inside a region that scrolls on its own is clipped.
  const overflow = await page.evaluate<{ width: number; scrollWidth: number; outside: string[] }>(`(() => {
    const width = innerWidth;
    const scrolls = (node) => node.closest('.table-wrap, pre');
    const label = (element) => element.tagName.toLowerCase() + (element.className && typeof element.className === 'string' ? '.' + element.className.split(' ')[0] : '');
    const path = (element) => [element, element.parentElement, element.parentElement && element.parentElement.parentElement].filter(Boolean).map(label).join(' < ');
    const outside = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
      if (!element) continue;
      const escapes = ['absolute', 'fixed'].includes(getComputedStyle(element).position);
      if (element.parentElement && scrolls(element.parentElement) && !escapes) continue;
      let right;
      if (node.nodeType === Node.TEXT_NODE) {
        const range = document.createRange();
        range.selectNodeContents(node);
        right = range.getBoundingClientRect().right;
      } else right = node.getBoundingClientRect().right;
      if (right > width + 1) outside.push(path(element) + (node.nodeType === Node.TEXT_NODE ? ' text' : '') + ' (' + Math.round(right) + 'px)');
    }
    return { width, scrollWidth: document.scrollingElement.scrollWidth, outside: [...new Set(outside)].slice(0, 8) };
  })()`);
  if (overflow.scrollWidth <= overflow.width) return [];
  return [
    {
      id: 'page-scrolls-sideways',
      impact: 'serious',
      help: `the page is ${overflow.scrollWidth}px wide on a ${overflow.width}px screen: ${overflow.outside.join(', ')}`,
      nodes: overflow.outside.length,
    },
  ];
}

/**
 * Screenshots at desktop and phone sizes, with axe-core run at both and the phone layout checked for
 * sideways scrolling; answers the serious findings.
 */
export async function inspect(page: Page, name: string): Promise<Record<string, AxeViolation[]>> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const found: Record<string, AxeViolation[]> = {};
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
    const violations = [...(await seriousViolations(page)), ...(size === 'phone' ? await sidewaysScroll(page) : [])];
    if (violations.length > 0) found[`${name} (${size})`] = violations;
  }
  await page.setViewportSize(DESKTOP);
  return found;
}
