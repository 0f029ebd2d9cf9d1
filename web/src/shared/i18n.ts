// The one i18n instance both apps use. zh-CN is the default whatever the browser prefers;
// English only when the person picks it (or has it stored in their preferences).
import { createI18n } from 'vue-i18n'
import zhCN from '../locales/zh-CN'
import en from '../locales/en'

export type Lang = 'zh-CN' | 'en'
export const LANGS: Lang[] = ['zh-CN', 'en']

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function t(key: string, values?: Record<string, unknown>): string {
  return values ? i18n.global.t(key, values) : i18n.global.t(key)
}

export function currentLang(): Lang {
  return i18n.global.locale.value as Lang
}

export function isLang(v: unknown): v is Lang {
  return v === 'zh-CN' || v === 'en'
}

// Switch the language of the page: messages, <html lang> and the document title.
export function applyLang(lang: Lang, titleKey = 'app.title') {
  i18n.global.locale.value = lang
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN'
  document.title = t(titleKey)
}
