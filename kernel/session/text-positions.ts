// Positions in a cell's text. Inside the kernel they index JavaScript strings (UTF-16 code units, what lezer and
// String#slice count); the Jupyter protocol since 5.2 and Python's strings count Unicode code points. Code outside
// the Basic Multilingual Plane (emoji) is one code point but two code units, so each crossing converts.

/** The string index of the position `codePoints` code points into `text`, clamped to the text (NaN is its start). */
export function codeUnitIndex(text: string, codePoints: number): number {
  let index = 0;
  for (let counted = 0; counted < codePoints && index < text.length; counted++) index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  return index;
}

/** How many code points of `text` come before string index `index` (clamped to the text). */
export function codePointCount(text: string, index: number): number {
  let counted = 0;
  for (let at = 0; at < Math.min(index, text.length); counted++) at += text.codePointAt(at)! > 0xffff ? 2 : 1;
  return counted;
}
