/**
 * `npm start`'s demo data (`pingpin start --demo-data`): on a new data directory of a server that
 * listens on loopback only, the demo's enterprises, campaigns and applicants are registered and its
 * people created, so that each clerk can do their part of a campaign in the Tasklist by hand. Nothing
 * is started: enterprise HR starts the campaign from 任务中心 → 发起流程.
 *
 * Never on a server others can reach: the demo's people share one published password.
 */
import type { Logger } from 'pino';
import type { Running } from '../runtime.js';
import { chinaDate } from '../domain/china-time.js';
import { groupIds } from '../domain/groups.js';
import { Rest } from './clerk.js';
import { clerkOf, DEMO_PASSWORD, provisionStaff } from './people.js';
import { demoCampaigns, inThePresent, seedRegistry, type SeededCampaign } from './seed.js';

export interface DemoData {
  campaigns: SeededCampaign[];
  users: string[];
}

export async function prepareDemoData(running: Running, admin: { username: string; password: string }, logger: Logger): Promise<DemoData> {
  if (!running.engine) throw new Error('demo data needs the embedded engine');
  const now = running.engine.clock.now();
  const year = Number(chinaDate(now).slice(0, 4));
  const campaigns = await seedRegistry(
    running.registry,
    demoCampaigns().map((s) => inThePresent(s, now)),
    year,
  );
  const authorization = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
  const staff = await provisionStaff(new Rest({ baseUrl: running.url, headers: () => ({ authorization }) }), campaigns, { baseUrl: running.url });
  logger.warn(
    {
      campaigns: campaigns.map((c) => {
        const g = groupIds(c.enterprise);
        return {
          campaignId: c.campaignId,
          process: `appraisal-${c.jurisdiction}`,
          level: c.level,
          enterprise: c.enterprise.name,
          creditCode: c.enterprise.creditCode,
          // Who logs in for which step (usernames, no personal data).
          clerks: { hr: clerkOf(g.hr), panel: clerkOf(g.panel), oversight: clerkOf(g.oversight), city: clerkOf(g.city), province: clerkOf(g.province) },
        };
      }),
      users: staff.users.length,
    },
    `demo data: ${campaigns.length} campaigns registered and ${staff.users.length} demo users created, all with password ${DEMO_PASSWORD} ` +
      `(enterprise HR: hr_<credit code>, city: city_<division>, province: province_<nn>, panel experts); administrator '${admin.username}' has password ${admin.password}. ` +
      'Open /tasklist and start a campaign as its enterprise HR.',
  );
  return { campaigns, users: staff.users };
}
