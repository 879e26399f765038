// The one Content-Security-Policy both shells send with the renderer (web host headers, Electron app:// protocol).
// Scripts, styles, fonts and fetches come only from our own origin; the only extra door is the lab's WebSocket.

/** Build the CSP header value. `connectSources` are extra connect-src origins, e.g. "ws://127.0.0.1:5173". */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  for (const src of connectSources) {
    // Header injection guard: a source is one token, never a directive separator or whitespace.
    if (!/^(ws|wss|http|https):\/\/[A-Za-z0-9.\-[\]:]+$/.test(src))
      throw new RangeError(`invalid CSP connect source: ${JSON.stringify(src)}`);
  }
  return [
    "default-src 'self'",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
