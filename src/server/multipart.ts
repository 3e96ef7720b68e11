/**
 * multipart/form-data reading for POST /v2/deployments, with busboy. The SDK sends every resource
 * as a file part named `resources` (with its filename) and optionally a `tenantId` text part.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { DeployResource } from '../engine/types.js';
import { HttpProblem, invalidArgument } from './problem.js';

export interface MultipartOptions {
  /** Name of the file parts. */
  fileField: string;
  /** Names of the text parts accepted; any other part is a 400. */
  textFields: ReadonlyArray<string>;
  /** Limit on the sum of all file sizes. */
  maxTotalBytes: number;
}

export interface MultipartBody {
  files: DeployResource[];
  fields: Record<string, string>;
}

const tooLarge = (limit: number): HttpProblem =>
  new HttpProblem(413, 'Payload Too Large', `The deployment exceeds the limit of ${limit} bytes`);

export function readMultipart(req: IncomingMessage, options: MultipartOptions): Promise<MultipartBody> {
  const { fileField, textFields, maxTotalBytes } = options;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8', // filenames arrive as raw UTF-8 (FormData, form-data), not RFC 2231-encoded
        limits: { fileSize: maxTotalBytes, fields: 16, fieldSize: 64 * 1024, parts: 10_000 },
      });
    } catch (err) {
      reject(invalidArgument(`Malformed multipart request: ${(err as Error).message}`));
      return;
    }

    const files: DeployResource[] = [];
    const fields: Record<string, string> = {};
    let total = 0;
    let failed = false;
    const fail = (problem: HttpProblem): void => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume(); // drain the rest so the connection can carry the answer
      reject(problem);
    };

    parser.on('file', (name, stream, info) => {
      const filename = info.filename;
      if (failed || name !== fileField || !filename) {
        stream.resume();
        if (name !== fileField) fail(invalidArgument(`${name}: unknown multipart part; resources are sent as file parts named '${fileField}'`));
        else if (!filename) fail(invalidArgument(`${fileField}: every resource needs a filename (e.g. order.bpmn)`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxTotalBytes) fail(tooLarge(maxTotalBytes));
        else if (!failed) chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(maxTotalBytes)));
      stream.on('end', () => {
        if (!failed) files.push({ name: filename, content: Buffer.concat(chunks) });
      });
    });
    parser.on('field', (name, value, info) => {
      if (!textFields.includes(name)) {
        fail(invalidArgument(`${name}: unknown multipart part (expected file parts '${fileField}'${textFields.map((f) => ` or '${f}'`).join('')})`));
      } else if (info.valueTruncated) {
        fail(invalidArgument(`${name}: value too long`));
      } else {
        fields[name] = value;
      }
    });
    parser.on('fieldsLimit', () => fail(invalidArgument('Too many text parts in the multipart request')));
    parser.on('partsLimit', () => fail(invalidArgument('Too many parts in the multipart request')));
    parser.on('error', (err: Error) => fail(invalidArgument(`Malformed multipart request: ${err.message}`)));
    parser.on('close', () => {
      if (!failed) resolve({ files, fields });
    });
    req.on('aborted', () => fail(new HttpProblem(400, 'Bad Request', 'Request aborted by the client')));
    req.pipe(parser);
  });
}
