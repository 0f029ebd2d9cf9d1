// Two single-page apps in one build: the staff console (index.html, served at /) and the
// mobile H5 site (m/index.html, served at /m/). CMake runs `vite build --outDir <build dir>`;
// the output is embedded in the xingfu binary, so nothing may load from another origin.
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

// Vant's icon font ships inside its CSS as a data: URL, followed by a fallback on a public CDN.
// The server's CSP allows neither (fonts come from 'self' only), so the CDN fallback is cut and
// the embedded font becomes a hashed file of its own under /assets/.
function selfHostedFonts(): Plugin {
  const dataFont = /url\(\s*["']?data:font\/(woff2?)(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)["']?\s*\)/g
  return {
    name: 'xingfu-self-hosted-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/].*\.css$/.test(id)) return null
      return {
        code: code.replace(/,\s*url\((?:https?:)?\/\/[^)]*\)\s*format\(["']?woff["']?\)/g, ''),
        map: null,
      }
    },
    generateBundle(_options, bundle) {
      const emitted = new Map<string, string>()
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.css')) continue
        let css = String(file.source)
        css = css.replace(dataFont, (_m, ext: string, b64: string) => {
          let name = emitted.get(b64)
          if (!name) {
            const ref = this.emitFile({
              type: 'asset',
              name: `icon-font.${ext}`,
              source: Buffer.from(b64, 'base64'),
            })
            name = '/' + this.getFileName(ref)
            emitted.set(b64, name)
          }
          return `url(${name})`
        })
        if (/url\(\s*["']?(?:https?:)?\/\//.test(css)) this.error(`external url left in ${file.fileName}`)
        file.source = css
      }
    },
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue(), selfHostedFonts()],
  build: {
    target: 'es2020',
    assetsDir: 'assets',
    // Everything becomes a file: the CSP allows no inline scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        console: fileURLToPath(new URL('./index.html', import.meta.url)),
        mobile: fileURLToPath(new URL('./m/index.html', import.meta.url)),
      },
    },
  },
  define: {
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
  },
})
