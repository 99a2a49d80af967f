/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold the delimiter, doubled quotes and
 * newlines). Blank lines are skipped. Used to infer seed column types and check row widths; the
 * warehouse parses the file itself when loading.
 */
export function parseCsvRecords(text: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let empty = true;
  const endRecord = () => {
    fields.push(field);
    if (!(empty && fields.length === 1 && field === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
    empty = true;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      empty = false;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      empty = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += ch;
      empty = false;
    }
  }
  if (field !== '' || fields.length > 0 || !empty) endRecord();
  return records;
}
