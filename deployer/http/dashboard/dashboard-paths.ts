// Routes served by the dashboard plugin.
export const DASHBOARD_PATHS = {
  page: '/',
  events: '/events',
  /** Polling fallback: the status JSON plus the rendered body, so the page renders in one place (the server). */
  state: '/dashboard/state',
} as const;
