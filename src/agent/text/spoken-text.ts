const URL_IN_PARENS = /\(\s*https?:\/\/[^)\s]*\s*\)/giu;
const URL = /\bhttps?:\/\/\S+/giu;
const EMOJI_NAME = /:[a-z0-9_+-]{2,32}:/giu;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0e|\ufe0f|\u20e3/gu;
const MARKDOWN_LINE = /^\s{0,3}(?:#{1,6}\s+|>\s+|[-+•]\s+|\d+[.)]\s+)/gmu;
const MARKDOWN_INLINE = /(`{1,3}|~~|__|\\)/gu;
const BRACKETS = /[[\]{}<>]/gu;

/**
 * Makes one segment safe to speak and show: no markdown, links, emoji or emoji names, no stray
 * brackets, single spaces. Tags, `<think>` and `*actions*` are already gone (TagStreamParser).
 */
export function toSpokenText(text: string): string {
  return text
    .replace(URL_IN_PARENS, '')
    .replace(URL, '')
    .replace(MARKDOWN_LINE, '')
    .replace(EMOJI_NAME, '')
    .replace(EMOJI, '')
    .replace(MARKDOWN_INLINE, '')
    .replace(BRACKETS, '')
    .replace(/\s+/gu, ' ')
    .replace(/\s+([,.!?;:…])/gu, '$1')
    .trim();
}

/** True when the text has something a voice can say (a letter or a digit). */
export function isSpeakable(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
