import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Actor } from '../common/actor';
import { stripBidiControls } from '../common/text/invisible-characters';
import { AppConfig } from '../config/app-config';
import { readExport } from './survey-export';

/** How long an uploaded file waits for its mapping to be confirmed. */
export const STAGED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export interface StagedUpload {
  id: string;
  filename: string | null;
  open(): Readable;
}

interface StagedMeta {
  ownerId: string | null;
  filename: string | null;
  createdAt: number;
}

/**
 * A survey-tool export waiting for the marketer to confirm its mapping: the upload page reads the file once
 * to propose a mapping and again to import it, so it is kept in DATA_DIR/uploads (owner-only permissions)
 * under an unguessable id, for its uploader only, until it is imported or a day has passed. Several API
 * hosts need DATA_DIR shared (as for the outbox folder).
 */
@Injectable()
export class StagedUploads {
  private readonly logger = new Logger(StagedUploads.name);

  constructor(private readonly config: AppConfig) {}

  private get dir(): string {
    return join(this.config.dataDir, 'uploads');
  }

  async save(input: Readable, owner: Actor, filename: string | null): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(16).toString('base64url');
    try {
      await pipeline(input, createWriteStream(this.dataPath(id), { mode: 0o600 }));
      const meta: StagedMeta = { ownerId: owner.id ?? null, filename: filename ? stripBidiControls(filename).slice(0, 255) : null, createdAt: Date.now() };
      await writeFile(this.metaPath(id), JSON.stringify(meta), { mode: 0o600 });
    } catch (error) {
      await this.remove(id);
      throw error;
    }
    void this.sweep();
    return id;
  }

  /** The staged file, for the one who uploaded it, while it is fresh; null otherwise. */
  async find(id: string, actor: Actor, now = Date.now()): Promise<StagedUpload | null> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
    let meta: StagedMeta;
    try {
      meta = JSON.parse(await readFile(this.metaPath(id), 'utf8')) as StagedMeta;
    } catch {
      return null;
    }
    if (meta.ownerId !== (actor.id ?? null) || now - meta.createdAt > STAGED_UPLOAD_TTL_MS) return null;
    return { id, filename: meta.filename, open: () => createReadStream(this.dataPath(id)) };
  }

  async remove(id: string): Promise<void> {
    await Promise.all([rm(this.dataPath(id), { force: true }), rm(this.metaPath(id), { force: true })]);
  }

  /**
   * Erasure: removes the waiting files that name any of `needles` (lower-case) in a cell, read as the import
   * reads them (any encoding, .xlsx too); a file that can't be read is removed as well, since nobody can tell.
   * Returns how many.
   */
  async removeContaining(needles: string[]): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0; // nothing was ever staged
    }
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('.data'))) {
      const id = name.slice(0, -'.data'.length);
      if (await this.names(createReadStream(this.dataPath(id)), needles).catch(() => true)) {
        await this.remove(id);
        removed++;
      }
    }
    return removed;
  }

  private async names(input: Readable, needles: string[]): Promise<boolean> {
    const found = (cells: string[]) => cells.some((cell) => needles.some((needle) => cell.toLowerCase().includes(needle)));
    try {
      const reader = await readExport(input);
      if (found(reader.header.names)) return true;
      for await (const row of reader.rows) if (found(row.cells)) return true;
      return false;
    } finally {
      input.destroy(); // however the read ended, the file is closed before it may be removed
    }
  }

  /** Removes files left more than a day ago (an upload whose mapping was never confirmed). */
  async sweep(now = Date.now()): Promise<void> {
    try {
      for (const name of await readdir(this.dir)) {
        const path = join(this.dir, name);
        if (now - (await stat(path)).mtimeMs > STAGED_UPLOAD_TTL_MS) await rm(path, { force: true });
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not sweep staged uploads', error: String(error) });
    }
  }

  private dataPath(id: string): string {
    return join(this.dir, `${id}.data`);
  }

  private metaPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}
