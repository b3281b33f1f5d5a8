import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { EndedSession } from './ended-session.entity';

/** Sessions ended by signing out; a row lives as long as its token could. */
@Injectable()
export class EndedSessions {
  constructor(@InjectRepository(EndedSession) private readonly rows: Repository<EndedSession>) {}

  async add(sid: string, expiresAt: Date): Promise<void> {
    await this.rows.delete({ expiresAt: LessThan(new Date()) });
    await this.rows.upsert({ sid, expiresAt }, ['sid']);
  }

  has(sid: string): Promise<boolean> {
    return this.rows.existsBy({ sid });
  }
}
