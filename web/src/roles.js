// What each role may do (docs/auth.md). The server refuses anything else;
// the console only hides what would be refused.
const ACTIONS = {
  viewer: ['read'],
  registrar: ['read', 'read_sensitive', 'register', 'status', 'export', 'resolve', 'collect', 'destroy', 'trace',
    'confirm_export'],
  armourer: ['read', 'read_sensitive', 'status', 'stock', 'collect', 'destroy'],
  tracer: ['read', 'trace', 'trace_confidential'],
  monitor: ['read'],
  auditor: ['read', 'read_sensitive', 'export', 'audit'],
  admin: ['read', 'read_sensitive', 'register', 'status', 'export', 'audit', 'admin', 'stock', 'resolve', 'collect', 'destroy',
    'trace', 'trace_confidential', 'confirm_export'],
};

export const ROLES = Object.keys(ACTIONS);

export function can(user, action) {
  return !!user && (ACTIONS[user.role] || []).includes(action);
}

// Routes that cover the whole registry (summary, import, adding sites, users
// and tokens) are refused to callers confined to sites.
export function national(user) {
  return !!user && user.sites.length === 0;
}
