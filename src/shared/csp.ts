/**
 * The renderer's content security policy. The build writes it into index.html as a meta tag (the
 * only way for file:// pages in Electron), and the browser test host also sends it as a header.
 * connect-src 'self' covers the test host's same-origin WebSocket. Scripts come only from the app's
 * own files; inline styles are allowed because wavesurfer.js styles its shadow DOM with a <style>
 * element (style cannot run code).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')
