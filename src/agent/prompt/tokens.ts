/**
 * A quick token estimate without a tokenizer: about 4 ASCII characters per token, about 2 for
 * other scripts (Cyrillic, CJK take more tokens per character), plus a per-message overhead.
 * Good enough for budgeting; it errs on the high side for non-Latin text.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other / 2);
}

export const MESSAGE_OVERHEAD_TOKENS = 4;

export function messageTokens(content: string): number {
  return estimateTokens(content) + MESSAGE_OVERHEAD_TOKENS;
}
