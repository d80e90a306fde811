import busboy from 'busboy';
import type { Request, Response } from 'express';
import { ValidationError } from '@switchboard/core';
import { HttpProblem } from './problem.js';

export interface UploadedFile {
  /** The name the client gave the file; a hint only, never trusted for its type. */
  filename: string;
  bytes: Buffer;
}

export interface Upload {
  fields: Record<string, string>;
  file: UploadedFile;
}

export interface UploadOptions {
  /** The form field that carries the file. */
  fileField: string;
  /** Largest file accepted; more is a 413. */
  maxFileBytes: number;
}

/** Room for the multipart boundaries, part headers and the text fields around the file. */
const FORM_OVERHEAD = 1024 * 1024;

/**
 * What both upload readers do before the file: refuse a body that is not multipart (415) or
 * whose Content-Length already says too much (413, before anything is read), and open the
 * parser with the limits. Returns the parser and the 413 error to raise when the file runs over.
 */
export function openMultipart(req: Request, res: Response, options: UploadOptions & { fieldSize: number }): { parser: busboy.Busboy; tooLarge: () => HttpProblem } {
  const tooLarge = () => new HttpProblem(413, `The file is larger than the limit of ${options.maxFileBytes} bytes`, [{ path: `body.${options.fileField}`, message: `more than ${options.maxFileBytes} bytes` }]);
  if (!req.is('multipart/form-data')) {
    throw new HttpProblem(415, `Send the file as multipart/form-data, not ${req.get('content-type') ?? 'no content type'}`);
  }
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > options.maxFileBytes + FORM_OVERHEAD) {
    // Nothing of it will be read: tell the client not to keep sending on this connection.
    res.set('Connection', 'close');
    throw tooLarge();
  }
  try {
    const parser = busboy({
      headers: req.headers,
      // Browsers send a file name as raw UTF-8 in `filename="…"` (WHATWG multipart/form-data); busboy's default would read it as Latin-1.
      defParamCharset: 'utf8',
      // busboy reports 'limit' when a file reaches fileSize: one byte more lets a file of exactly maxFileBytes through.
      limits: { files: 1, fileSize: options.maxFileBytes + 1, fields: 20, fieldSize: options.fieldSize, parts: 21, headerPairs: 50 },
    });
    return { parser, tooLarge };
  } catch (error) {
    throw new HttpProblem(415, `Not a readable multipart/form-data request: ${(error as Error).message}`);
  }
}

/** The text fields and the limits and failures every upload treats alike; the file is each reader's own. */
export function collectFields(req: Request, parser: busboy.Busboy, fields: Record<string, string>, malformed: (message: string, path?: string) => void, fail: (error: Error) => void): void {
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) malformed(`The field "${name}" is too long`, `body.${name}`);
    else fields[name] = value;
  });
  parser.on('filesLimit', () => malformed('Send one file per request'));
  parser.on('fieldsLimit', () => malformed('Too many fields'));
  parser.on('partsLimit', () => malformed('Too many parts'));
  parser.on('error', (error: Error) => malformed(`Malformed multipart/form-data body: ${error.message}`));
  req.on('error', (error) => fail(error));
  // The client went away mid-upload: nothing more will come, and the parser would wait for ever.
  req.on('close', () => {
    if (!req.complete) malformed('The upload was interrupted');
  });
}

/**
 * Reads a `multipart/form-data` request holding one file and a few text fields, streaming:
 * the file is collected only up to `maxFileBytes`, and the moment it goes past, the request
 * is refused with 413 and the rest of the body is discarded unread. A Content-Length that
 * already says too much is refused before anything is read. A body that is not multipart is
 * a 415; a malformed one, a second file, too many or too long fields, or no file a 400.
 */
export async function readUpload(req: Request, res: Response, options: UploadOptions): Promise<Upload> {
  const { parser, tooLarge } = openMultipart(req, res, { ...options, fieldSize: 16 * 1024 });

  return new Promise<Upload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: UploadedFile | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      // Stop parsing; whatever the client still sends is read and dropped so the answer reaches it.
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    const malformed = (message: string, path = 'body') => fail(new ValidationError(message, [{ path, message }]));

    parser.on('file', (name, stream, info) => {
      if (name !== options.fileField) {
        stream.resume();
        malformed(`Unexpected file field "${name}": send the file as "${options.fileField}"`, `body.${name}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('limit', () => fail(tooLarge()));
      stream.on('end', () => {
        if (!stream.truncated) file = { filename: info.filename ?? '', bytes: Buffer.concat(chunks, size) };
      });
    });
    collectFields(req, parser, fields, malformed, fail);
    parser.on('close', () => {
      if (settled) return;
      if (!file) return malformed(`No file: send it in the form field "${options.fileField}"`, `body.${options.fileField}`);
      settled = true;
      resolve({ fields, file });
    });
    req.pipe(parser);
  });
}
