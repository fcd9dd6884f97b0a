// What the signed-in user may do, from the role table the server enforces
// (GET /api/v1/vocabulary, loaded by vocab.js). The server refuses anything
// else; the console only hides what would be refused.
import { ROLE_ACTIONS } from './vocab.js';

export { ROLES } from './vocab.js';

export function can(user, action) {
  return !!user && (ROLE_ACTIONS[user.role] || []).includes(action);
}

// Routes that cover the whole registry (summary, import, adding sites, users
// and tokens) are refused to callers confined to sites.
export function national(user) {
  return !!user && user.sites.length === 0;
}
