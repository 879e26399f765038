// Export steps that need the browser's layout (svg2pdf.js, text outlines) run on a copy of the figure placed in the
// page but off screen and hidden; styled through the CSSOM, as the page's CSP refuses style attributes written as text.

/** Runs `fn` while `node` is laid out in a hidden host outside the viewport; the host is removed afterwards. */
export async function withOffscreen<T>(node: Node, fn: () => T | Promise<T>): Promise<T> {
  const host = document.createElement('div');
  for (const [k, v] of [
    ['position', 'fixed'],
    ['left', '-10000px'],
    ['top', '0'],
    ['visibility', 'hidden'],
  ])
    host.style.setProperty(k, v);
  host.append(node);
  document.body.append(host);
  try {
    return await fn();
  } finally {
    host.remove();
  }
}
