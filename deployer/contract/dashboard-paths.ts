// Routes served by the dashboard plugin. Everything lives under /dashboard so that one path rule sends
// it to the deployer where the deployer shares a load balancer with the managed service (in AWS, `/`
// belongs to the service); `/` and `/events` are short aliases for a deployer of its own (npm start).
export const DASHBOARD_PATHS = {
  page: '/dashboard',
  events: '/dashboard/events',
  /** Polling fallback: the status JSON plus the rendered body, so the page renders in one place (the server). */
  state: '/dashboard/state',
  /** POST target of the sign-in form (aws mode): token in the body, session cookie back. */
  signIn: '/dashboard/sign-in',
} as const;

/** (The deployer's router ignores trailing slashes, so /dashboard/ is /dashboard.) */
export const DASHBOARD_ALIASES = {
  page: ['/'],
  events: ['/events'],
} as const;
