// Small pieces of wording shared by the renderings.

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Frame bytes a rendering shows before it says how many more there are. */
export const SHOWN_BYTES = 64;
