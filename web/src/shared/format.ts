// Showing what the server sends: its UTC times (ISO 8601 or seconds) in the browser's local
// time, and a session's User-Agent as a short device name a person recognises.

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

// "2026-11-27T05:30:27Z" (or UTC seconds) → "2026-11-27 13:30:27" in local time.
export function formatTime(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—'
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  )
}

// Only the clock time when the moment is today, else the full time.
export function formatUntil(v: string | undefined): string {
  if (!v) return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return v
  const now = new Date()
  const sameDay = d.toDateString() === now.toDateString()
  return sameDay ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : formatTime(v)
}

export function isPast(iso: string): boolean {
  const d = new Date(iso)
  return !Number.isNaN(d.getTime()) && d.getTime() < Date.now()
}

// A User-Agent as "微信 · Android", "Chrome · Windows"… (names are proper nouns, not translated,
// except WeChat's, which the caller passes in).
export function deviceName(ua: string, wechat: string): string {
  if (!ua) return ''
  let app = ''
  if (/MicroMessenger/i.test(ua)) app = wechat
  else if (/Edg\//.test(ua)) app = 'Edge'
  else if (/Firefox\//.test(ua)) app = 'Firefox'
  else if (/Chrome\/|Chromium\//.test(ua)) app = 'Chrome'
  else if (/Safari\//.test(ua)) app = 'Safari'
  else if (/curl\//i.test(ua)) app = 'curl'
  let os = ''
  if (/Android/i.test(ua)) os = 'Android'
  else if (/iPhone|iPad|iPod/i.test(ua)) os = 'iOS'
  else if (/Windows/i.test(ua)) os = 'Windows'
  else if (/Mac OS X|Macintosh/i.test(ua)) os = 'macOS'
  else if (/Linux/i.test(ua)) os = 'Linux'
  const parts = [app, os].filter(Boolean)
  return parts.length ? parts.join(' · ') : ua.slice(0, 40)
}

// Copy text to the clipboard; false when the browser refuses (the caller says so).
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // fall through to the selection-based copy
  }
  const ta = document.createElement('textarea')
  ta.value = text
  ta.setAttribute('readonly', '')
  ta.style.position = 'fixed'
  ta.style.opacity = '0'
  document.body.appendChild(ta)
  ta.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  document.body.removeChild(ta)
  return ok
}
