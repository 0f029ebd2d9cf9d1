// The browser's only way to the server: JSON over fetch, same origin, with the CSRF token on
// every state-changing request. An API error carries the server's code and its (Chinese)
// message; a 401 `session_expired` from any call also goes to the registered handler, and so
// does a 403 saying the account must first change its password or enrol a second factor.
import { t } from './i18n'

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field?: string,
    public until?: string, // ISO time when a lock or throttle ends (429)
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let csrfToken = ''
let expiredHandler: ((e: ApiError) => void) | null = null
let accountHandler: ((e: ApiError) => void) | null = null

// 403 codes meaning "only your own account pages work until you do this".
export const ACCOUNT_CODES = ['password_change_required', 'second_factor_required']

export function setCsrf(token: string) {
  csrfToken = token
}

export function onSessionExpired(fn: (e: ApiError) => void) {
  expiredHandler = fn
}

export function onAccountRequired(fn: (e: ApiError) => void) {
  accountHandler = fn
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string; until?: string }
}

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch {
    throw new ApiError(0, 'network', t('errors.network'))
  }
  const text = await res.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const e = (data as ErrorBody | null)?.error
    const err = new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? t('errors.server', { status: res.status }),
      e?.field,
      e?.until,
    )
    if (res.status === 401 && err.code === 'session_expired' && expiredHandler) expiredHandler(err)
    if (res.status === 403 && ACCOUNT_CODES.includes(err.code) && accountHandler) accountHandler(err)
    throw err
  }
  return data as T
}

// Send a file as the request body (an import), with upload progress (0–100). XMLHttpRequest,
// because fetch reports no upload progress. Answers {status, data}: the caller reads a 422's
// row errors; network failures throw like api().
export function upload<T>(
  path: string,
  file: File,
  contentType: string,
  onProgress?: (percent: number) => void,
): Promise<{ status: number; data: T }> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    x.open('POST', path)
    x.setRequestHeader('Content-Type', contentType)
    x.setRequestHeader('Accept', 'application/json')
    if (csrfToken) x.setRequestHeader('X-CSRF-Token', csrfToken)
    x.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    x.onerror = () => reject(new ApiError(0, 'network', t('errors.network')))
    x.onload = () => {
      let data: unknown = null
      try {
        data = x.responseText ? JSON.parse(x.responseText) : null
      } catch {
        data = null
      }
      const e = (data as ErrorBody | null)?.error
      if (x.status === 401 && e?.code === 'session_expired' && expiredHandler)
        expiredHandler(new ApiError(401, e.code, e.message ?? ''))
      resolve({ status: x.status, data: data as T })
    }
    x.send(file)
  })
}
