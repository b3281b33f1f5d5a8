import '@fastify/multipart';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

/** A pool file is a list of codes: 2 MB is some 100,000 of them. */
export const POOL_FILE_LIMIT = 2 * 1024 * 1024;

/** The text of the `file` part of a multipart request (kept whole: the file is checked before anything is written). */
export async function readPoolUpload(request: FastifyRequest): Promise<string> {
  const refuse = () => new BadRequestException('Send the codes as multipart/form-data, a CSV file in a field named "file"');
  if (!request.isMultipart()) throw refuse();
  let part: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    part = await request.file();
  } catch {
    throw refuse();
  }
  if (!part || part.fieldname !== 'file') {
    part?.file.resume();
    throw refuse();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= POOL_FILE_LIMIT) chunks.push(chunk); // past the limit: drain, then refuse
  }
  if (size > POOL_FILE_LIMIT || part.file.truncated) throw new HttpException('The file is larger than 2 MB', HttpStatus.PAYLOAD_TOO_LARGE);
  const text = Buffer.concat(chunks);
  if (text.includes(0)) throw new BadRequestException('The file is not a CSV text file');
  return text.toString('utf8');
}
