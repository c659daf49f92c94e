// Routes served by the dashboard plugin.
export const DASHBOARD_PATHS = {
  page: '/',
  events: '/events',
  /** Polling fallback with the same auth as the page (a browser cannot add a Bearer header). */
  state: '/dashboard/state',
  login: '/dashboard/login',
  logout: '/dashboard/logout',
} as const;
