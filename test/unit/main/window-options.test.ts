import { describe, expect, it } from 'vitest'
import { isAppPageUrl, mainWindowOptions, secureWebPreferences } from '../../../src/main/window-options'

describe('renderer sandbox', () => {
  it('isolates the renderer from Node', () => {
    expect(secureWebPreferences('/app/preload.js')).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('uses saved bounds when given and the sandboxed preferences always', () => {
    const saved = { x: 5, y: 6, width: 1100, height: 700, maximized: false }
    expect(mainWindowOptions('/p.js', saved)).toMatchObject({ x: 5, y: 6, width: 1100, height: 700 })
    expect(mainWindowOptions('/p.js', null).webPreferences).toEqual(secureWebPreferences('/p.js'))
  })

  it('recognises only the app page as its own', () => {
    const index = '/opt/entrain/out/renderer/index.html'
    expect(isAppPageUrl('file:///opt/entrain/out/renderer/index.html#/study', index, undefined)).toBe(true)
    expect(isAppPageUrl('file:///etc/passwd', index, undefined)).toBe(false)
    expect(isAppPageUrl('https://example.org/', index, undefined)).toBe(false)
    expect(isAppPageUrl('not a url', index, undefined)).toBe(false)
    expect(isAppPageUrl('http://localhost:5173/#/devices', index, 'http://localhost:5173')).toBe(true)
    expect(isAppPageUrl('http://localhost:5174/', index, 'http://localhost:5173')).toBe(false)
  })

  it('handles Windows paths', () => {
    expect(isAppPageUrl('file:///C:/Entrain/out/renderer/index.html', 'C:\\Entrain\\out\\renderer\\index.html', undefined)).toBe(true)
  })
})
