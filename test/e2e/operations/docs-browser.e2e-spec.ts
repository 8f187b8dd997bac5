import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createTestApp, TestApp } from '@app/test-app';

const CHROMIUM = '/usr/bin/chromium';
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
const title = `the API reference in a browser${existsSync(CHROMIUM) ? '' : ` [skipped: ${CHROMIUM} is absent]`}`;

describeWithChromium(title, () => {
  let app: TestApp;
  let base: string;
  beforeAll(async () => {
    app = await createTestApp({ readSide: false });
    await app.started.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.started.app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(() => app.close());

  it('opens /docs under the service’s CSP and lists the routes, with nothing refused and nothing fetched elsewhere', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    // A fresh profile per run: launchPersistentContext is Playwright's way to give Chromium --user-data-dir.
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
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
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const elsewhere: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith(base)) elsewhere.push(request.url());
      });
      const response = await page.goto(`${base}/docs`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
      await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
      const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.getAttribute('data-path')));
      expect(paths).toEqual(expect.arrayContaining(['/v1/accounts', '/v1/auth/login', '/v1/api-keys', '/v1/keys/verify', '/health/ready']));
      expect(await page.textContent('.info .title')).toContain('Account service');
      expect({ problems: problems.filter((text) => !/favicon/.test(text)), elsewhere }).toEqual({ problems: [], elsewhere: [] });
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 90_000);
});
