// Shared by the browser tests: headless Debian Chromium through playwright-core, a page that
// records console errors, page errors and requests leaving the server's origin, sign-in
// helpers, TOTP codes, SMS codes from the server's outbox log, and an axe-core accessibility
// check. Dependencies come from web/node_modules.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

export const BASE = process.env.BASE_URL
export const PASSWORD = process.env.XF_DEMO_PASSWORD
const WEB = process.env.XF_WEB_DIR
const OUTBOX = process.env.XF_OUTBOX_LOG
if (!BASE || !PASSWORD || !WEB || !OUTBOX)
  throw new Error('run through tests/e2e/run.sh (BASE_URL, XF_DEMO_PASSWORD, XF_WEB_DIR, XF_OUTBOX_LOG)')

const require = createRequire(join(WEB, 'package.json'))
const { chromium } = require('playwright-core')
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const DESKTOP = { width: 1366, height: 768 }
export const PHONE = { width: 390, height: 844 }
export const SMALL_PHONE = { width: 360, height: 740 }
// WeChat's in-app browser on Android (XWEB, Chromium based), as it identifies itself.
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2254A Build/TP1A.220624.014; wv) AppleWebKit/537.36 ' +
  '(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 ' +
  'MMWEBSDK/20240301 MMWEBID/1234 MicroMessenger/8.0.48.2580(0x28003036) WeChat/arm64 ' +
  'Weixin NetType/WIFI Language/zh_CN ABI/arm64'

// Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

// A fresh context (own cookies) and page that records what must not happen. `allow401` lists
// API paths whose 401 answer the test expects (the browser logs those as console errors).
export async function open(browser, { viewport = DESKTOP, mobile = false, locale = 'en-US', allow401 = ['/api/me'] } = {}) {
  const context = await browser.newContext({
    viewport,
    locale, // the browser prefers English: the UI must still start in Chinese
    deviceScaleFactor: 1,
    isMobile: mobile,
    hasTouch: mobile,
    userAgent: mobile ? WECHAT_UA : undefined,
  })
  const page = await context.newPage()
  const problems = []
  const expected401 = new Set()
  page.on('response', (r) => {
    const u = new URL(r.url())
    if (r.status() === 401 && allow401.includes(u.pathname)) expected401.add(r.url())
  })
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const where = m.location()?.url ?? ''
    if (/status of 401/.test(m.text()) && expected401.has(where)) return
    problems.push(`console error: ${m.text()} (${where})`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (r) => {
    const u = new URL(r.url())
    if (u.protocol === 'data:' || u.protocol === 'blob:') return
    if (u.origin !== BASE) problems.push(`request left the server: ${r.url()}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`server error ${r.status()}: ${r.url()}`)
    const u = new URL(r.url())
    if (r.status() === 404 && u.origin === BASE) problems.push(`404: ${r.url()}`)
  })
  return { context, page, problems }
}

export function assertClean(problems) {
  assert.deepEqual(problems, [], 'the browser saw problems')
}

export async function consoleLogin(page, username, { navigate = true } = {}) {
  if (navigate) await page.goto(`${BASE}/login`)
  await page.getByLabel(/用户名|Username/).fill(username)
  await page.getByLabel(/^(密码|Password)$/).fill(PASSWORD)
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click()
  await page.getByTestId('greeting').waitFor()
}

export async function mobileLogin(page, username, { navigate = true } = {}) {
  if (navigate) await page.goto(`${BASE}/m/login`)
  await page.getByRole('tab', { name: /^(密码登录|Password)$/ }).click()
  await page.getByLabel(/用户名|Username/).fill(username)
  await page.getByLabel(/^(密码|Password)$/).fill(PASSWORD)
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click()
  await page.getByTestId('user-name').waitFor()
}

// Element's drop-downs live at the end of the page; only the open one is visible.
export async function pickOption(page, select, name) {
  await select.click()
  await page.getByRole('option', { name, exact: true }).filter({ visible: true }).click()
}

// The <input> of an Element field (Element puts data-testid on the input itself, or on the
// wrapper of components like the number input).
export function field(page, id) {
  return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()
}

// What the server has stored for the signed-in person (same cookies as the page).
export async function me(page) {
  return page.evaluate(async () => {
    const r = await fetch('/api/me', { headers: { Accept: 'application/json' } })
    return { status: r.status, body: await r.json() }
  })
}

// The 6-digit RFC 6238 code for a hex secret (SHA-1, 30 s), as an authenticator app shows it.
export function totp(hexSecret, at = Date.now()) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)))
  const h = createHmac('sha1', Buffer.from(hexSecret, 'hex')).update(counter).digest()
  const o = h[h.length - 1] & 0xf
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]
  return String(n % 1000000).padStart(6, '0')
}

// The lines of the server's outbox log (one JSON object each; none before the first message).
export function outboxLines() {
  if (!existsSync(OUTBOX)) return []
  return readFileSync(OUTBOX, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

// The SMS code in the first SMS after the first `skip` lines, to `to` ("user:ID") when given.
// The deliverer runs every 5 s, so this waits up to 20 s.
export async function smsCode(skip, to = null) {
  for (let i = 0; i < 200; i++) {
    const m = outboxLines()
      .slice(skip)
      .find((x) => x.channel === 'sms' && (!to || x.to === to) && /验证码是 \d{6}/.test(x.body))
    if (m) return /验证码是 (\d{6})/.exec(m.body)[1]
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no SMS code${to ? ` for ${to}` : ''} in ${OUTBOX}`)
}

export async function fontSize(locator) {
  return locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
}

// axe-core, evaluated through the DevTools protocol (the page's CSP forbids inline scripts,
// and rightly so). Fails on serious and critical violations.
export async function assertAccessible(page, what) {
  // Judge the page at rest, not halfway through a colour transition: wait until no
  // animation runs two frames in a row (content that arrives a moment later, such as a
  // drawer's list of tags, starts its own enter transitions after the first ones ended).
  await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()))
    for (let quiet = 0, i = 0; quiet < 2 && i < 100; i++) {
      const running = document.getAnimations()
      await Promise.all(running.map((a) => a.finished.catch(() => null)))
      await frame()
      quiet = running.length === 0 ? quiet + 1 : 0
    }
  })
  await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? n.failureSummary}`),
    }))
  })
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const minor = result.filter((v) => !bad.includes(v))
  if (minor.length) console.log(`# axe (${what}): minor: ${minor.map((v) => `${v.id}/${v.impact}`).join(', ')}`)
  assert.deepEqual(bad, [], `axe found serious or critical violations on ${what}`)
}
