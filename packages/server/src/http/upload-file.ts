import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ValidationError } from '@switchboard/core';
import { collectFields, openMultipart } from './upload.js';

export interface StoredUpload {
  fields: Record<string, string>;
  file: {
    /** The name the client gave the file; a hint only. */
    filename: string;
    /** Where it was written. */
    path: string;
    bytes: number;
  };
}

export interface StoreUploadOptions {
  fileField: string;
  maxFileBytes: number;
  /** The folder the file is written to (created if missing), under a random name. */
  dir: string;
}

/**
 * Reads a `multipart/form-data` request with one file and a few text fields, streaming the
 * file to disk as it arrives (never holding it in memory): what an import of any size up to
 * the limit needs. Past `maxFileBytes` the request is refused with 413 and the partial file
 * removed; the checks before the file are `openMultipart`'s.
 * Anything that fails removes the file too.
 */
export async function storeUpload(req: Request, res: Response, options: StoreUploadOptions): Promise<StoredUpload> {
  const { parser, tooLarge } = openMultipart(req, res, { ...options, fieldSize: 64 * 1024 });
  await mkdir(options.dir, { recursive: true });
  const path = join(options.dir, `${randomUUID()}.upload`);

  return new Promise<StoredUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: StoredUpload['file'] | undefined;
    let written: Promise<void> | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      void (written ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => rm(path, { force: true }))
        .finally(() => reject(error));
    };
    const malformed = (message: string, at = 'body') => fail(new ValidationError(message, [{ path: at, message }]));

    parser.on('file', (name, stream, info) => {
      if (name !== options.fileField || written) {
        stream.resume();
        malformed(written ? 'Send one file per request' : `Unexpected file field "${name}": send the file as "${options.fileField}"`, `body.${name}`);
        return;
      }
      const out = createWriteStream(path);
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('limit', () => {
        stream.unpipe(out);
        out.destroy();
        fail(tooLarge());
      });
      written = new Promise<void>((done, broken) => {
        out.on('finish', () => done());
        out.on('error', broken);
        out.on('close', () => done());
      });
      written.then(
        () => {
          if (!stream.truncated) file = { filename: info.filename ?? '', path, bytes };
        },
        (error: Error) => fail(error),
      );
      stream.pipe(out);
    });
    collectFields(req, parser, fields, malformed, fail);
    parser.on('close', () => {
      void (written ?? Promise.resolve()).then(() => {
        if (settled) return;
        if (!file) return malformed(`No file: send it in the form field "${options.fileField}"`, `body.${options.fileField}`);
        settled = true;
        resolve({ fields, file });
      });
    });
    req.pipe(parser);
  });
}
