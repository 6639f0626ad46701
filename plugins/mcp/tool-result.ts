/** One content block of an MCP tool result (the parts we read). */
export interface ResultBlock {
  type: string;
  text?: unknown;
  mimeType?: unknown;
  uri?: unknown;
  resource?: { uri?: unknown; text?: unknown; mimeType?: unknown };
}

/**
 * Turns an MCP tool result into context text for the LLM: text blocks joined, other blocks named,
 * whitespace collapsed, then cut at `maxChars` with a marker saying how much was dropped.
 */
export function summarizeToolResult(result: { content?: unknown; structuredContent?: unknown }, maxChars: number): string {
  const blocks = Array.isArray(result.content) ? (result.content as ResultBlock[]) : [];
  const parts: string[] = [];
  for (const b of blocks) {
    if (b.type === 'text' && typeof b.text === 'string') parts.push(b.text);
    else if (b.type === 'image' || b.type === 'audio') parts.push(`[${b.type} ${typeof b.mimeType === 'string' ? b.mimeType : ''}]`.replace(' ]', ']'));
    else if (b.type === 'resource' && b.resource) parts.push(typeof b.resource.text === 'string' ? b.resource.text : `[resource ${String(b.resource.uri)}]`);
    else if (b.type === 'resource_link') parts.push(`[link ${String(b.uri)}]`);
  }
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const text = parts
    .join('\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return truncate(text, maxChars);
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - 40);
  return `${text.slice(0, keep)} … [truncated ${text.length - keep} chars]`;
}
