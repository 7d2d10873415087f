const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Makes text safe to place in HTML content or a quoted attribute: names and reasons come from outside. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * A minimal HTML mail around paragraphs that are already HTML: callers build them with `escapeHtml`
 * around every value, so that nothing from an event is ever markup.
 */
export function htmlDocument(title: string, paragraphs: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html>',
    '<head><meta charset="utf-8"><title>' + escapeHtml(title) + '</title></head>',
    '<body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.map((paragraph) => `<p>${paragraph}</p>`),
    '</body>',
    '</html>',
  ].join('\n');
}
