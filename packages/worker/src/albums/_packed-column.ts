/**
 * A column of strings kept as a list while it changes, or packed into one string once it settles: a
 * folder of 1,000 file names is then one string, not 1,000. The values are joined by a separator none
 * of them holds; a column with a value that holds it is never packed (it stays a list).
 */
export class PackedColumn {
  /** The character the values are joined by when packed. */
  readonly separator: string;
  /** The values while the column is a list; undefined while it is packed. */
  #list: string[] | undefined;
  /** The values joined by the separator, while the column is packed. */
  #text = "";
  /** How many values the packed text holds. */
  #packedLength = 0;

  /** A column of `values` (the list itself, not a copy), not packed yet. */
  constructor(separator: string, values: string[] = []) {
    if (separator.length !== 1) throw new RangeError(`a packed column's separator is one character, not ${JSON.stringify(separator)}`);
    this.separator = separator;
    this.#list = values;
  }

  /**
   * A packed column as it was stored: `text` holding `length` values joined by `separator`. Undefined when
   * it does not hold that many (a value held the separator, or the text is not the column's).
   */
  static parse(separator: string, text: string, length: number): PackedColumn | undefined {
    const fits = length === 0 ? text === "" : length > 0 && occurrences(text, separator) === length - 1;
    if (!fits) return undefined;
    const column = new PackedColumn(separator);
    column.#list = undefined;
    column.#text = text;
    column.#packedLength = length;
    return column;
  }

  /** How many values. */
  get length(): number {
    return this.#list ? this.#list.length : this.#packedLength;
  }

  /** Whether the values are one string now. */
  get packed(): boolean {
    return this.#list === undefined;
  }

  /** The value at `i` (undefined past the end). A packed column walks its separators: for a few lookups, not a loop. */
  get(i: number): string | undefined {
    if (this.#list) return this.#list[i];
    if (!Number.isInteger(i) || i < 0 || i >= this.#packedLength) return undefined;
    let from = 0;
    for (let k = 0; k < i; k++) from = this.#text.indexOf(this.separator, from) + 1;
    const to = this.#text.indexOf(this.separator, from);
    return this.#text.slice(from, to < 0 ? undefined : to);
  }

  /** The values in order; a packed column yields them one at a time, without splitting its text. */
  *[Symbol.iterator](): Generator<string> {
    if (this.#list) {
      yield* this.#list;
      return;
    }
    let from = 0;
    for (let k = 0; k < this.#packedLength; k++) {
      const to = k === this.#packedLength - 1 ? this.#text.length : this.#text.indexOf(this.separator, from);
      yield this.#text.slice(from, to);
      from = to + 1;
    }
  }

  /**
   * The values as a list to read: the column's own list, or its packed text split, each part passed
   * through `keep` (e.g. to make a string of its own that does not keep the whole text alive).
   */
  unpack(keep?: (value: string) => string): readonly string[] {
    if (this.#list) return this.#list;
    if (this.#packedLength === 0) return [];
    const parts = this.#text.split(this.separator);
    return keep ? parts.map(keep) : parts;
  }

  /** The column's own list, to change in place: a packed column is unpacked first (each value through `keep`). */
  edit(keep?: (value: string) => string): string[] {
    if (!this.#list) {
      this.#list = this.unpack(keep) as string[];
      this.#text = "";
      this.#packedLength = 0;
    }
    return this.#list;
  }

  /** Join the values into one string. False, and the column stays a list, when a value holds the separator. */
  pack(): boolean {
    const list = this.#list;
    if (!list) return true;
    const text = list.join(this.separator);
    if (list.length > 0 && occurrences(text, this.separator) !== list.length - 1) return false;
    this.#list = undefined;
    this.#text = text;
    this.#packedLength = list.length;
    return true;
  }

  /** The values joined by the separator, as `parse` reads them back (it refuses a column that could not be packed). */
  join(): string {
    return this.#list ? this.#list.join(this.separator) : this.#text;
  }
}

function occurrences(text: string, separator: string): number {
  let n = 0;
  for (let i = text.indexOf(separator); i >= 0; i = text.indexOf(separator, i + 1)) n++;
  return n;
}
