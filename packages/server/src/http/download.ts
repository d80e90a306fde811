import type { Response } from 'express';
import type { Logger } from '@switchboard/core';

/**
 * Streams text lines to a download, in 64 KiB writes that respect back-pressure: an export
 * of any size holds one page of records and one buffer, never the whole file. A failure
 * after the status went out cuts the download short, so the client sees it failed.
 */
export async function streamDownload(res: Response, options: { filename: string; type: string }, lines: AsyncIterable<string>, logger: Logger): Promise<void> {
  res.status(200).attachment(options.filename).type(options.type);
  let buffer = '';
  try {
    for await (const line of lines) {
      buffer += line;
      if (buffer.length >= 64 * 1024) {
        if (!res.write(buffer)) await new Promise<void>((resolve) => res.once('drain', () => resolve()));
        buffer = '';
      }
    }
    res.end(buffer);
  } catch (error) {
    logger.error({ err: error, filename: options.filename }, 'export failed');
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Sends bytes produced as they are read (a file decoded on the fly) to a response whose
 * status and headers are set, respecting back-pressure. A failure after the first byte
 * cuts the response short, so the client sees it failed rather than a silently shorter file.
 */
export async function streamBytes(res: Response, chunks: AsyncIterable<Uint8Array>, logger: Logger): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', () => resolve()).once('close', () => resolve()));
    }
    res.end();
  } catch (error) {
    logger.error({ err: error }, 'download failed');
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
