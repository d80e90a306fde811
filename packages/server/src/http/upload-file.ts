import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { ValidationError } from '@switchboard/core';
import { HttpProblem } from './problem.js';

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

const FORM_OVERHEAD = 1024 * 1024;

/**
 * Reads a `multipart/form-data` request with one file and a few text fields, streaming the
 * file to disk as it arrives (never holding it in memory): what an import of any size up to
 * the limit needs. Past `maxFileBytes` the request is refused with 413 and the partial file
 * removed; a Content-Length that already says too much is refused before anything is read.
 * Anything that fails removes the file too.
 */
export async function storeUpload(req: Request, res: Response, options: StoreUploadOptions): Promise<StoredUpload> {
  const tooLarge = () => new HttpProblem(413, `The file is larger than the limit of ${options.maxFileBytes} bytes`, [{ path: `body.${options.fileField}`, message: `more than ${options.maxFileBytes} bytes` }]);
  if (!req.is('multipart/form-data')) throw new HttpProblem(415, `Send the file as multipart/form-data, not ${req.get('content-type') ?? 'no content type'}`);
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > options.maxFileBytes + FORM_OVERHEAD) {
    res.set('Connection', 'close');
    throw tooLarge();
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: options.maxFileBytes, fields: 20, fieldSize: 64 * 1024, parts: 21, headerPairs: 50 } });
  } catch (error) {
    throw new HttpProblem(415, `Not a readable multipart/form-data request: ${(error as Error).message}`);
  }
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
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) malformed(`The field "${name}" is too long`, `body.${name}`);
      else fields[name] = value;
    });
    parser.on('filesLimit', () => malformed('Send one file per request'));
    parser.on('fieldsLimit', () => malformed('Too many fields'));
    parser.on('partsLimit', () => malformed('Too many parts'));
    parser.on('error', (error: Error) => malformed(`Malformed multipart/form-data body: ${error.message}`));
    parser.on('close', () => {
      void (written ?? Promise.resolve()).then(() => {
        if (settled) return;
        if (!file) return malformed(`No file: send it in the form field "${options.fileField}"`, `body.${options.fileField}`);
        settled = true;
        resolve({ fields, file });
      });
    });
    req.on('error', (error) => fail(error));
    req.on('close', () => {
      if (!req.complete) malformed('The upload was interrupted');
    });
    req.pipe(parser);
  });
}
