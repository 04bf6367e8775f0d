/**
 * Folds Vietnamese text for comparison and search: no diacritics (đ → d), lower case, single spaces.
 * "  Nguyễn   Văn AN " and "nguyen van an" fold to the same string.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Tidies a person's or place's name for storage: NFC, single spaces, no control characters. Keeps diacritics. */
export function tidyName(text: string): string {
  return (
    text
      .normalize('NFC')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Escapes LIKE wildcards in user search input. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
