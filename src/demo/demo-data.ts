import { CreateLocationDto } from '../locations/dto/location.dto';
import { CreateUserInput } from '../users/users.service';

/** A small fictional dealer group, so a newcomer sees every page with something on it. */
export const DEMO_LOCATIONS: CreateLocationDto[] = [
  {
    code: 'DLR-001',
    name: 'Springfield Motors Downtown',
    address: '742 Evergreen Terrace',
    city: 'Springfield',
    timezone: 'America/Chicago',
    locale: 'en-US',
    websiteUrl: 'https://downtown.example.com',
    reviewUrl: 'https://reviews.example.com/springfield-downtown',
    managerEmail: 'downtown.manager@example.com',
  },
  {
    code: 'DLR-002',
    name: 'Springfield Motors Riverside',
    address: '19 Riverside Drive',
    city: 'Shelbyville',
    timezone: 'America/Chicago',
    locale: 'en-US',
    websiteUrl: 'https://riverside.example.com',
    reviewUrl: 'https://reviews.example.com/springfield-riverside',
    managerEmail: 'riverside.manager@example.com',
  },
  {
    code: 'DLR-003',
    name: 'Springfield Motors Capital City',
    address: '1 Capitol Way',
    city: 'Capital City',
    timezone: 'America/New_York',
    locale: 'en-US',
    websiteUrl: 'https://capital.example.com',
    reviewUrl: 'https://reviews.example.com/springfield-capital',
    managerEmail: 'capital.manager@example.com',
  },
];

/** One staff user per role; passwords are generated at seeding and printed once. */
export const DEMO_STAFF: CreateUserInput[] = [
  { email: 'admin@example.com', role: 'admin' },
  { email: 'marketer@example.com', role: 'marketer' },
  { email: 'dealer@example.com', role: 'dealer', locationCodes: ['DLR-001'] },
];
