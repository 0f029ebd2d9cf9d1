// Screenshots of the pages as people see them, for docs/screenshots/ (not a test):
//   tests/e2e/run.sh build/xingfu web tests/e2e/screenshots.mjs docs/screenshots
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { BASE, DESKTOP, PHONE, SMALL_PHONE, consoleLogin, launch, mobileLogin, open } from './lib.mjs'

const out = process.argv[2]
if (!out) throw new Error('usage: screenshots.mjs OUT_DIR')
mkdirSync(out, { recursive: true })

const browser = await launch()
async function shot(name, { viewport, mobile = false }, steps) {
  const { context, page, problems } = await open(browser, { viewport, mobile })
  await steps(page)
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))))
  await page.screenshot({ path: join(out, `${name}.png`) })
  if (problems.length) console.error(`${name}:\n  ${problems.join('\n  ')}`)
  await context.close()
  console.log(`${name}.png`)
}
async function largeText(page) {
  await page.getByTestId('large-text').click()
  await page.waitForFunction(() => document.documentElement.classList.contains('xf-large'))
  await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).preferences.large_text === true)
}

await shot('console-login-1366', { viewport: DESKTOP }, async (page) => {
  await page.goto(`${BASE}/`)
  await page.getByRole('heading', { name: '账号登录' }).waitFor()
})
await shot('console-workbench-1366', { viewport: DESKTOP }, (page) => consoleLogin(page, 'shequ'))
await shot('console-admin-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await page.getByTestId('system-status').getByText('SQLite').waitFor()
})
await shot('console-large-text-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ3')
  await largeText(page)
})
await shot('console-english-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'jiedao')
  await page.getByRole('radiogroup', { name: '语言' }).getByText('English').click()
  await page.getByTestId('menu').getByText('Workbench').waitFor()
})
await shot('mobile-login-390', { viewport: PHONE, mobile: true }, async (page) => {
  await page.goto(`${BASE}/m/`)
  await page.getByRole('heading', { name: '账号登录' }).waitFor()
})
await shot('mobile-me-390', { viewport: PHONE, mobile: true }, (page) => mobileLogin(page, 'jumin'))
await shot('mobile-login-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  await page.goto(`${BASE}/m/`)
  await page.getByRole('heading', { name: '账号登录' }).waitFor()
})
await shot('mobile-me-large-text-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await largeText(page)
})
await browser.close()
