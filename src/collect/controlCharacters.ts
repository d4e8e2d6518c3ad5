/**
 * Text a cluster supplies (Status messages, TLS and socket errors) ends up on terminals and in
 * logs: C0 and C1 control characters would let it move the cursor, recolour or clear the screen.
 */
const LINE_BREAKS = /[\t\n\v\f\r]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** The text with line breaks and tabs turned into spaces and every other control character (U+0000–U+001F, U+007F–U+009F) removed. */
export function withoutControlCharacters(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(CONTROL_CHARACTERS, '');
}
