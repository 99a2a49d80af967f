import { closeSync, openSync, writeSync, writevSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** A section of a file: its size and CRC-32 (hex), as a file's header lists them. */
export interface Section {
  readonly bytes: number;
  readonly crc32: string;
}

/** Bytes gathered before one write: a section of 25,000 small blobs is ~60 writes, not 25,000. */
const BATCH_BYTES = 1 << 20;

/**
 * Writes a file as a header line followed by sections, streaming: each section's parts are written
 * as they are made (a batch at a time) and only its size and CRC are kept, so a writer need not hold
 * a whole section (the warm start's ~60 MB of node blobs for a 10k-model project) to learn its size
 * before the header. The header is written last, into room kept at the start of the file and padded
 * with spaces (JSON allows them), so it must fit in `headerRoom` bytes.
 */
export class SectionWriter {
  private readonly fd: number;
  private position: number;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private bytes = 0;
  private crc = 0;

  constructor(
    file: string,
    private readonly headerRoom: number,
  ) {
    this.fd = openSync(file, 'w');
    this.position = headerRoom + 1;
  }

  /** Adds a part to the current section. */
  add(part: Uint8Array): void {
    this.bytes += part.length;
    this.crc = crc32(part, this.crc);
    this.batch.push(part);
    this.batchBytes += part.length;
    if (this.batchBytes >= BATCH_BYTES) this.flush();
  }

  /** Ends the current section (the parts added since the last end). */
  end(): Section {
    this.flush();
    const section = { bytes: this.bytes, crc32: this.crc.toString(16) };
    this.bytes = 0;
    this.crc = 0;
    return section;
  }

  /** A whole section of `parts`. */
  section(parts: readonly Uint8Array[]): Section {
    for (const part of parts) this.add(part);
    return this.end();
  }

  /** Writes the header line into the room kept for it and closes the file. */
  finish(header: string): void {
    try {
      const bytes = Buffer.from(header);
      if (bytes.length > this.headerRoom) throw new Error('the header does not fit its room');
      // Padded by bytes, not characters: a key with non-ASCII paths must not run into the first section.
      const line = Buffer.alloc(this.headerRoom + 1, ' ');
      bytes.copy(line);
      line[this.headerRoom] = 10;
      writeAll(this.fd, [line], 0);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file without a header (the caller removes it). */
  abandon(): void {
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    writeAll(this.fd, this.batch, this.position);
    this.position += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
  }
}

/** Writes `parts` one after the other at `position` (writev may write less than asked: the rest part by part). */
function writeAll(fd: number, parts: readonly Uint8Array[], position: number): void {
  for (let i = 0; i < parts.length; i += 1024) {
    const batch = parts.slice(i, i + 1024);
    let done = writevSync(fd, batch, position);
    position += done;
    for (const part of batch) {
      if (done >= part.length) {
        done -= part.length;
        continue;
      }
      for (let at = done; at < part.length; ) {
        const n = writeSync(fd, part, at, part.length - at, position);
        at += n;
        position += n;
      }
      done = 0;
    }
  }
}
