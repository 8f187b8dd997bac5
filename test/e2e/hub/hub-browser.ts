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

/** Screenshots at desktop and phone sizes, with axe-core run at both; answers the serious findings. */
export async function inspect(page: Page, name: string): Promise<Record<string, AxeViolation[]>> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const found: Record<string, AxeViolation[]> = {};
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
    const violations = await seriousViolations(page);
    if (violations.length > 0) found[`${name} (${size})`] = violations;
  }
  await page.setViewportSize(DESKTOP);
  return found;
}
