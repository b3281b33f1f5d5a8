import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CreateLocationDto, UpdateLocationDto } from './dto/location.dto';
import { LocationIndex } from './location-index';
import { Location } from './location.entity';
import { LocationsRepository } from './locations.repository';

/** How long a location index is reused: imports, fan-outs and pages ask often, locations change rarely. */
const INDEX_MAX_AGE_MS = 5_000;

@Injectable()
export class LocationsService {
  private cachedIndex?: { index: LocationIndex; at: number };

  constructor(
    private readonly locations: LocationsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Every location by id and code, shared by the modules that look locations up in bulk. Changes made
   * through this process show at once; other processes see them within a few seconds.
   */
  async index(maxAgeMs = INDEX_MAX_AGE_MS): Promise<LocationIndex> {
    if (this.cachedIndex && Date.now() - this.cachedIndex.at < maxAgeMs) return this.cachedIndex.index;
    const all = await this.locations.list(undefined);
    const index = new LocationIndex(all.map(({ id, code, name, timezone, managerEmail }) => ({ id, code, name, timezone, managerEmail })));
    this.cachedIndex = { index, at: Date.now() };
    return index;
  }

  /** After a change (create, update, import): the next lookup reads the list again. */
  forgetIndex(): void {
    this.cachedIndex = undefined;
  }

  list(actor: Actor): Promise<Location[]> {
    return this.locations.list(actor.locationCodes);
  }

  /** A dealer asking for another dealer's location gets the same 404 as for a missing one. */
  async get(actor: Actor, code: string): Promise<Location> {
    const location = await this.locations.findByCode(code);
    if (!location || (actor.locationCodes && !actor.locationCodes.includes(location.code))) {
      throw new NotFoundException(`No location with code ${code}`);
    }
    return location;
  }

  /** Public pages need a location without an actor. */
  findByCode(code: string): Promise<Location | null> {
    return this.locations.findByCode(code);
  }

  async create(actor: Actor, dto: CreateLocationDto): Promise<Location> {
    this.assertMayEdit(actor);
    const created = await this.locations.transaction(async (manager) => {
      if ((await this.locations.existingCodes([dto.code], manager)).size > 0) {
        throw new ConflictException(`A location with code ${dto.code} already exists`);
      }
      const location = await this.locations.save(this.locations.create(dto), manager);
      await this.audit.record(actor, { action: 'location.create', subjectType: 'location', subjectId: location.id }, manager);
      return location;
    });
    this.forgetIndex();
    return created;
  }

  async update(actor: Actor, code: string, dto: UpdateLocationDto): Promise<Location> {
    this.assertMayEdit(actor);
    const location = await this.get(actor, code);
    const changed = Object.keys(dto).filter((key) => dto[key as keyof UpdateLocationDto] !== undefined);
    Object.assign(location, dto);
    const updated = await this.locations.transaction(async (manager) => {
      const saved = await this.locations.save(location, manager);
      await this.audit.record(
        actor,
        { action: 'location.update', subjectType: 'location', subjectId: location.id, details: { fields: changed } },
        manager,
      );
      return saved;
    });
    this.forgetIndex();
    return updated;
  }

  private assertMayEdit(actor: Actor) {
    if (actor.role === 'dealer') throw new ForbiddenException('Dealers cannot create or edit locations');
  }
}
