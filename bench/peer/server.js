'use strict';
// The benchmark's peer: a few of xingfu's read endpoints written the way a typical team
// would (Node.js 20, Fastify, better-sqlite3), on the same database, doing the same work
// per request as src/http/router.c + src/api/{cases,registry}_api.c + src/auth/auth.c:
// read the xf_session cookie, BLAKE2b-256 it, look up the session, account and active
// grant, check expiry/idle/second factor/password change, check the role's permission and
// that the object lies inside the grant's place subtree (materialised paths), run the same
// SQL, mask personal data the same way (the stored masks), serialise the same JSON.
// One worker process per core (node:cluster), one read-only connection per worker.
//
// Usage: node server.js DB PORT [workers]
// Endpoints: /healthz, /api/cases/:id, /api/places/:id/children, /api/people,
// /api/reports/coverage (streets and above, from coverage_rollup, as xingfu answers them).
const cluster = require('node:cluster');
const os = require('node:os');

const [dbPath, portArg, workersArg] = process.argv.slice(2);
if (!dbPath || !portArg) {
  console.error('usage: node server.js DB PORT [workers]');
  process.exit(2);
}
const workers = Number(workersArg || os.availableParallelism());

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  let ready = 0;
  cluster.on('message', (_w, m) => {
    if (m === 'ready' && ++ready === workers) console.log(`peer listening on ${portArg}`);
  });
  cluster.on('exit', (_w, code) => { if (code) process.exit(code); });
  return;
}

const Database = require('better-sqlite3');
const { blake2bHex } = require('blakejs');
const fastify = require('fastify')({ logger: false });

const db = new Database(dbPath, { readonly: false, fileMustExist: true });
db.pragma('foreign_keys = ON');
db.pragma('query_only = 1');
db.pragma('busy_timeout = 15000');
const SESSION_IDLE_S = Number(process.env.XF_SESSION_IDLE_S || 3600);

// ---- policy (src/auth/policy.c, the rows these endpoints use) ----
const ROLES = new Set(['admin', 'district_official', 'street_official', 'community_official',
  'grid_worker', 'building_member', 'party_member', 'inservice_member', 'resident',
  'unit_contact', 'property', 'owners_committee', 'shop', 'dept_handler', 'approver',
  'delegate', 'auditor']);
const PERMS = {
  'people.read': ['admin', 'district_official', 'street_official', 'community_official', 'grid_worker'],
  'registry.read': ['admin', 'district_official', 'street_official', 'community_official',
    'grid_worker', 'dept_handler', 'approver'],
  'cases.handle': ['admin', 'district_official', 'street_official', 'community_official',
    'grid_worker', 'dept_handler'],
  'cases.report': ['admin', 'district_official', 'street_official', 'community_official',
    'grid_worker', 'dept_handler', 'approver'],
};
function allows(role, perm) {
  if (!ROLES.has(role)) return false;
  if (perm === 'self') return true;
  return (PERMS[perm] || []).includes(role);
}

class Fail extends Error {
  constructor(http, code, message, field) { super(message); this.http = http; this.code = code; this.field = field; }
}
const notFound = (m) => new Fail(404, 'not_found', m);

// ---- statements (the same SQL as the C code) ----
const q = {
  session: db.prepare(
    "SELECT s.csrf, s.last_seen, s.expires_at, u.disabled, s.id, s.mfa_ok," +
    " u.id AS uid, u.username, u.display_name, coalesce(u.person_id, 0) AS person_id, u.must_change_password," +
    " u.totp_enabled, coalesce(g.id, 0) AS grant_id, coalesce(g.role, '') AS role, coalesce(g.place_id, 0) AS place_id," +
    " coalesce(p.name, '') AS place_name, (SELECT count(*) FROM grants x WHERE x.user_id = u.id) AS ngrants" +
    " FROM sessions s JOIN users u ON u.id = s.user_id" +
    " LEFT JOIN grants g ON g.id = s.grant_id LEFT JOIN places p ON p.id = g.place_id" +
    " WHERE s.token_hash = ?"),
  inSubtree: db.prepare(
    "SELECT count(*) AS n FROM places o JOIN places s ON s.id = ?" +
    " WHERE o.id = ? AND substr(o.path, 1, length(s.path)) = s.path"),
  placePath: db.prepare('SELECT path FROM places WHERE id = ?'),
  place: db.prepare(
    'SELECT id, parent_id, kind, code, name, lat, lng, area_cm2,' +
    ' (SELECT count(*) FROM places c WHERE c.parent_id = p.id) AS children FROM places p WHERE id = ?'),
  placeKindName: db.prepare('SELECT kind, name FROM places WHERE id = ?'),
  placeCount: db.prepare('SELECT count(*) AS n FROM places WHERE id = ?'),
  children: db.prepare(
    'SELECT id, parent_id, kind, code, name, lat, lng, area_cm2' +
    ' FROM places WHERE parent_id = ? AND id > ? ORDER BY id LIMIT ?'),
  people: db.prepare(
    'SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,' +
    ' pe.place_id, pl.name AS place_name FROM people pe JOIN places pl' +
    ' ON pl.id = pe.place_id WHERE pl.path >= ? AND pl.path < ?' +
    " AND pe.name LIKE ? ESCAPE '\\' AND pe.id > ? ORDER BY pe.id LIMIT ?"),
  // A community or a street with none of its kind inside it: its people from
  // people_community or people_street; a district from people_district (as xingfu: 1, 3, 2,
  // else 0 = by the places' paths).
  peoplePlan: db.prepare(
    "SELECT CASE WHEN p.kind IN ('community', 'street') AND NOT EXISTS (SELECT 1 FROM" +
    " places c WHERE c.kind = p.kind AND c.path > p.path AND c.path < ?) THEN" +
    " (CASE p.kind WHEN 'community' THEN 1 ELSE 3 END)" +
    " WHEN p.kind = 'district' THEN 2 ELSE 0 END AS plan FROM places p WHERE p.id = ?"),
  peopleStreet: db.prepare(
    'SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,' +
    ' pe.place_id, pl.name AS place_name FROM people pe JOIN places pl' +
    ' ON pl.id = pe.place_id WHERE pe.street_id = ?' +
    " AND pe.name LIKE ? ESCAPE '\\' AND pe.id > ? ORDER BY pe.id LIMIT ?"),
  peopleDistrict: db.prepare(
    'SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,' +
    ' pe.place_id, pl.name AS place_name FROM people pe JOIN places pl' +
    ' ON pl.id = pe.place_id WHERE pe.district_id = ?' +
    " AND pe.name LIKE ? ESCAPE '\\' AND pe.id > ? ORDER BY pe.id LIMIT ?"),
  peopleCommunity: db.prepare(
    'SELECT pe.id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,' +
    ' pe.place_id, pl.name AS place_name FROM people pe JOIN places pl' +
    ' ON pl.id = pe.place_id WHERE pe.community_id = ?' +
    " AND pe.name LIKE ? ESCAPE '\\' AND pe.id > ? ORDER BY pe.id LIMIT ?"),
  caseLoad: db.prepare(
    "SELECT c.id, c.place_id, coalesce(c.community_id, 0) AS community, c.handling_place_id," +
    " coalesce(c.reporter_user_id, 0) AS reporter_user, coalesce(c.reporter_person_id, 0) AS reporter_person," +
    " coalesce(c.studio_org_id, 0) AS studio, coalesce(c.assignee_person_id, 0) AS assignee_person," +
    " coalesce(c.assignee_org_id, 0), c.round, c.unsatisfied, c.rated_round, c.escalations," +
    " coalesce(c.source_token_id, 0) AS source_token, c.due_at, coalesce(c.dispatch_due_at, 0)," +
    " coalesce(c.accepted_at, 0), coalesce(t.dispatch_s, 0), t.feedback_s, c.status," +
    " c.category, coalesce(c.external_id, ''), c.title FROM cases c" +
    " JOIN case_categories k ON k.code = c.category JOIN case_tiers t ON t.tier = k.tier" +
    ' WHERE c.id = ?'),
  delegate: db.prepare(
    'SELECT count(*) AS n FROM positions WHERE person_id = ? AND org_id = ?' +
    " AND post = 'delegate' AND ended_at IS NULL"),
  caseGet: db.prepare(
    'SELECT c.id, c.category, k.name AS category_name, c.title, c.status, c.place_id, p.name AS place_name,' +
    ' c.created_at, c.due_at, c.channel, c.round, h.name AS handling_place_name,' +
    ' coalesce(c.dispatch_due_at, 0) AS dispatch_due_at, c.description, c.public,' +
    " coalesce(c.reporter_person_id, 0) AS rp_id, coalesce(rp.name, '') AS rp_name," +
    " coalesce(c.entered_by, 0) AS entered_by, coalesce(c.external_id, '') AS external_id," +
    " coalesce(c.studio_org_id, 0) AS so_id, coalesce(so.name, '') AS so_name," +
    " coalesce(c.assignee_person_id, 0) AS ap_id, coalesce(ap.name, '') AS ap_name," +
    " coalesce(c.assignee_org_id, 0) AS ao_id, coalesce(ao.name, '') AS ao_name," +
    " coalesce(c.rating, '') AS rating, c.rated_round, c.unsatisfied, c.escalations, c.sla_due_at," +
    ' coalesce(c.accepted_at, 0) AS accepted_at, coalesce(c.replied_at, 0) AS replied_at,' +
    " coalesce(c.closed_at, 0) AS closed_at, c.sampled, coalesce(c.followup_outcome, '') AS followup_outcome," +
    ' coalesce(c.community_id, 0) AS community_id, c.handling_place_id,' +
    ' (SELECT count(*) FROM case_photos f WHERE f.case_id = c.id) AS photos' +
    ' FROM cases c JOIN case_categories k ON k.code = c.category JOIN places p ON p.id =' +
    ' c.place_id JOIN places h ON h.id = c.handling_place_id' +
    ' LEFT JOIN people rp ON rp.id = c.reporter_person_id LEFT JOIN orgs so ON so.id =' +
    ' c.studio_org_id LEFT JOIN people ap ON ap.id = c.assignee_person_id LEFT JOIN orgs ao' +
    ' ON ao.id = c.assignee_org_id WHERE c.id = ?'),
  timeline: db.prepare(
    "SELECT e.action, e.from_status, e.to_status, coalesce(u.display_name, '') AS actor," +
    " e.actor_role, coalesce(op.name, '') AS behalf, coalesce(pl.name, '') AS place_name, e.text, e.detail," +
    ' e.created_at FROM case_events e LEFT JOIN users u ON u.id = e.actor_user_id' +
    ' LEFT JOIN people op ON op.id = e.on_behalf_person_id LEFT JOIN places pl' +
    ' ON pl.id = e.place_id WHERE e.case_id = ? ORDER BY e.id'),
  dups: db.prepare(
    'SELECT id, title, status, created_at FROM cases WHERE community_id = ?' +
    " AND category = ? AND id <> ? AND created_at >= ? AND (status <> 'closed'" +
    ' OR closed_at >= ?) ORDER BY created_at DESC, id DESC LIMIT 5'),
  rollup: db.prepare('SELECT metric, count, total, computed_at FROM coverage_rollup WHERE place_id = ?'),
  covChildren: db.prepare(
    'SELECT id, kind, name FROM places WHERE parent_id = ?' +
    " AND kind NOT IN ('building', 'household') ORDER BY id LIMIT 200"),
  touch: null, // the writer: a second connection, as in xingfu
  healthz: db.prepare('SELECT 1 AS one'),
};
const writer = new Database(dbPath, { fileMustExist: true });
writer.pragma('journal_mode = WAL');
writer.pragma('synchronous = FULL');
writer.pragma('busy_timeout = 15000');
q.touch = writer.prepare('UPDATE sessions SET last_seen = ? WHERE id = ?');

const now = () => Math.floor(Date.now() / 1000);

// ---- authentication and authorisation (router.c authenticate/authorise, auth.c) ----
function cookie(req, name) {
  const h = req.headers.cookie;
  if (!h) return null;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}
function user(req, perm) {
  const token = cookie(req, 'xf_session');
  if (!token) throw new Fail(401, 'unauthenticated', '请先登录');
  const expired = new Fail(401, 'session_expired', '登录已过期，请重新登录');
  if (token.length === 0 || token.length > 64) throw expired;
  const row = q.session.get(blake2bHex(token, null, 32));
  const t = now();
  if (!row || row.disabled || t >= row.expires_at || t - row.last_seen >= SESSION_IDLE_S) throw expired;
  if (t - row.last_seen >= 60) q.touch.run(t, row.id);
  if (perm !== 'self' && !row.mfa_ok)
    throw new Fail(403, 'second_factor_required', '请先在“我的账号”中绑定动态口令（双因素认证）');
  if (perm !== 'self' && row.must_change_password)
    throw new Fail(403, 'password_change_required', '请先修改初始密码（或已过期的密码）');
  if (!allows(row.role, perm)) throw new Fail(403, 'forbidden', '没有权限执行此操作');
  return { id: row.uid, role: row.role, place_id: row.place_id, person_id: row.person_id };
}
function inside(scope, place) {
  return scope > 0 && place > 0 && q.inSubtree.get(scope, place).n > 0;
}
function authzCheck(u, perm, place) {
  if (!allows(u.role, perm)) throw new Fail(403, 'forbidden', '没有权限执行此操作');
  if (place <= 0) return;
  if (!inside(u.place_id, place)) throw new Fail(403, 'out_of_scope', '该对象不在您的管辖范围内');
}
function subtree(placeId) {
  const r = q.placePath.get(placeId);
  if (!r) throw notFound('没有这个地点');
  return [r.path, r.path.slice(0, -1) + '0'];
}
function id(s) {
  if (!/^[1-9][0-9]{0,17}$/.test(s)) throw notFound('没有这个接口');
  return Number(s);
}
function paging(query) {
  let limit = 50, cursor = 0;
  if (query.limit !== undefined) {
    const v = Number(query.limit);
    if (!Number.isInteger(v) || v < 1) throw new Fail(400, 'validation_failed', 'limit 应为正整数', 'limit');
    limit = Math.min(v, 200);
  }
  if (query.cursor !== undefined) {
    cursor = Number(query.cursor);
    if (!Number.isInteger(cursor) || cursor < 0) throw new Fail(400, 'validation_failed', 'cursor 不正确', 'cursor');
  }
  return { limit, cursor };
}
const page = (items, next) => ({ items, next: next ? String(next) : null });

// ---- places (registry.c) ----
function placeRow(r) {
  const v = { id: r.id, kind: r.kind, code: r.code, name: r.name, parent_id: r.parent_id };
  if (r.lat !== null) { v.lat = Number(r.lat); v.lng = Number(r.lng); }
  if (r.area_cm2 !== null) v.area_m2 = r.area_cm2 / 100;
  return v;
}
function placeJson(pid) {
  const r = q.place.get(pid);
  if (!r) throw notFound('没有这个地点');
  const v = placeRow(r);
  v.children = r.children;
  const up = [];
  const path = (q.placePath.get(pid) || {}).path || '';
  for (const seg of path.split('/').slice(1, -1)) {
    const aid = Number(seg);
    if (aid === pid) break;
    const a = q.placeKindName.get(aid);
    if (a) up.push({ id: aid, kind: a.kind, name: a.name });
  }
  v.ancestors = up;
  return v;
}

// ---- cases (cases.c) ----
const STATUS = { submitted: '待受理', accepted: '已受理', assigned: '已派单', replied: '已答复',
  closed: '已办结', returned: '已退回', reopened: '重新办理' };
const ACTION = { accept: '受理', assign: '派单', reply: '答复', return: '退回', rate: '评价',
  reopen: '重新办理', escalate: '上报', supervise: '督办', followup: '回访', publish: '公开设置',
  submit: '提交', autoclose: '逾期未评价，自动办结', photo: '添加照片' };
const DUP_WINDOW = 14 * 86400;
function caseCanRead(cid, u) {
  const c = q.caseLoad.get(cid);
  if (!c) throw notFound('没有这个诉求');
  if ((u.id && u.id === c.reporter_user) || (u.person_id && u.person_id === c.reporter_person)) return;
  if (u.person_id && u.person_id === c.assignee_person) return;
  if (c.studio && u.person_id && u.role === 'delegate' && q.delegate.get(u.person_id, c.studio).n > 0) return;
  if (allows(u.role, 'cases.handle') || allows(u.role, 'cases.report')) {
    if (inside(u.place_id, c.place_id) || inside(u.place_id, c.handling_place_id)) return;
    throw new Fail(403, 'out_of_scope', '该诉求不在您的管辖范围内');
  }
  throw notFound('没有这个诉求');
}
function caseJson(cid, t) {
  const c = q.caseGet.get(cid);
  if (!c) throw notFound('没有这个诉求');
  const open = c.status !== 'replied' && c.status !== 'closed';
  const overdue = open && (c.due_at < t || (c.status === 'submitted' && c.dispatch_due_at !== 0 && c.dispatch_due_at < t));
  const v = {
    id: c.id, category: c.category, category_name: c.category_name, title: c.title, status: c.status,
    status_label: STATUS[c.status] || c.status, place_id: c.place_id, place_name: c.place_name,
    created_at: c.created_at, due_at: c.due_at, overdue, seconds_left: open ? c.due_at - t : 0,
    channel: c.channel, round: c.round, handling_place_name: c.handling_place_name,
    description: c.description, public: !!c.public,
    reporter: c.rp_id ? { id: c.rp_id, name: c.rp_name } : null,
    entered_on_behalf: c.entered_by !== 0,
    external_id: c.external_id || null,
    studio: c.so_id ? { id: c.so_id, name: c.so_name } : null,
    assignee: c.ap_id ? { type: 'person', id: c.ap_id, name: c.ap_name }
      : c.ao_id ? { type: 'org', id: c.ao_id, name: c.ao_name } : null,
    rating: c.rating || null, rated_this_round: c.rated_round === c.round,
    unsatisfied: c.unsatisfied, escalations: c.escalations, sla_due_at: c.sla_due_at,
    accepted_at: c.accepted_at || null, replied_at: c.replied_at || null,
    closed_at: c.closed_at || null, dispatch_due_at: c.dispatch_due_at || null,
    followup_sampled: !!c.sampled, followup_outcome: c.followup_outcome || null,
    handling_place_id: c.handling_place_id, photos: c.photos,
  };
  v.timeline = q.timeline.all(cid).map((e) => ({
    action: e.action, action_label: ACTION[e.action] || e.action, from: e.from_status, to: e.to_status,
    actor: e.actor || (e.actor_role === 'system' ? '系统' : '外部接口'), actor_role: e.actor_role,
    place_name: e.place_name, text: e.text, at: e.created_at,
    on_behalf_of: e.behalf || null, detail: e.detail ? safeParse(e.detail) : null,
  }));
  v.possible_duplicates = c.community_id
    ? q.dups.all(c.community_id, c.category, cid, t - DUP_WINDOW, t - DUP_WINDOW).map((d) => ({
      id: d.id, title: d.title, status: d.status, status_label: STATUS[d.status] || d.status, created_at: d.created_at }))
    : [];
  return v;
}
function safeParse(s) { try { return JSON.parse(s); } catch { return null; } }

// ---- coverage (registry.c, the rolled-up branch) ----
const METRICS = [
  ['buildings_without_party_group', '无楼栋党小组的楼栋', '栋'],
  ['estates_without_committee', '无小区共建委员会的网格（小区）', '个'],
  ['twonew_without_party_org', '未建党组织的“两新”组织', '个'],
  ['party_orgs_inactive', '近一季度无活动记录的党组织', '个'],
  ['building_groups_missing_posts', '“两长五员一户”不齐的楼栋', '栋'],
  ['members_without_branch', '无所属支部的党员', '名'],
  ['centres_under_1000', '党群服务中心不足 1000 平方米的社区', '个'],
];
function rollup(pid) {
  const rows = q.rollup.all(pid);
  const by = new Map(rows.map((r) => [r.metric, r]));
  if (METRICS.some(([code]) => !by.has(code))) return null;
  return {
    asOf: rows.length ? rows[rows.length - 1].computed_at : 0,
    metrics: METRICS.map(([code, label, unit]) => ({ code, label, unit, count: by.get(code).count, total: by.get(code).total })),
  };
}

// ---- routes ----
function send(reply, fn) {
  try {
    reply.type('application/json; charset=utf-8').send(JSON.stringify(fn()));
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const body = { error: { code: e.code, message: e.message } };
    if (e.field) body.error.field = e.field;
    reply.code(e.http).type('application/json; charset=utf-8').send(JSON.stringify(body));
  }
}

fastify.get('/healthz', (req, reply) => send(reply, () => (q.healthz.get().one === 1 ? { status: 'ok' } : {})));

fastify.get('/api/cases/:id', (req, reply) => send(reply, () => {
  const u = user(req, 'self');
  const cid = id(req.params.id);
  caseCanRead(cid, u);
  return caseJson(cid, now());
}));

fastify.get('/api/places/:id/children', (req, reply) => send(reply, () => {
  user(req, 'self');
  const pid = id(req.params.id);
  const { limit, cursor } = paging(req.query);
  // 404 for a bad id, as xingfu
  if (!q.placeCount.get(pid).n) throw new Fail(404, 'not_found', '没有这个地点');
  const rows = q.children.all(pid, cursor, limit + 1);
  const items = rows.slice(0, limit).map(placeRow);
  return page(items, rows.length > limit ? items[limit - 1].id : 0);
}));

fastify.get('/api/people', (req, reply) => send(reply, () => {
  const u = user(req, 'people.read');
  const { limit, cursor } = paging(req.query);
  let place = u.place_id;
  if (req.query.place !== undefined) {
    place = Number(req.query.place);
    if (!Number.isInteger(place) || place < 1) throw new Fail(400, 'validation_failed', 'place 应为地点 id', 'place');
  }
  const text = req.query.q;
  if (text !== undefined && Buffer.byteLength(text) > 64) throw new Fail(400, 'validation_failed', '搜索词过长', 'q');
  authzCheck(u, 'people.read', place);
  const [lo, hi] = subtree(place);
  const plan = (q.peoplePlan.get(hi, place) || {}).plan || 0;
  // q's own %, _ and \ match only themselves (str_like_pattern in xingfu).
  const like = `%${(text || '').replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const rows = plan === 1 ? q.peopleCommunity.all(place, like, cursor, limit + 1)
    : plan === 2 ? q.peopleDistrict.all(place, like, cursor, limit + 1)
    : plan === 3 ? q.peopleStreet.all(place, like, cursor, limit + 1)
      : q.people.all(lo, hi, like, cursor, limit + 1);
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id, name: r.name, gender: r.gender, phone: r.phone_mask, id_number: r.id_mask,
    place_id: r.place_id, place_name: r.place_name }));
  return page(items, rows.length > limit ? items[limit - 1].id : 0);
}));

fastify.get('/api/reports/coverage', (req, reply) => send(reply, () => {
  const u = user(req, 'registry.read');
  let place = u.place_id;
  if (req.query.place !== undefined) {
    place = Number(req.query.place);
    if (!Number.isInteger(place) || place < 1) throw new Fail(400, 'validation_failed', 'place 应为地点 id', 'place');
  }
  authzCheck(u, 'registry.read', place);
  const p = placeJson(place);
  const m = ['city', 'district', 'street'].includes(p.kind) ? rollup(place) : null;
  if (!m) throw new Fail(501, 'not_implemented', '同类对照服务只实现了街道及以上（汇总表）的覆盖报告');
  const children = [];
  for (const c of q.covChildren.all(place)) {
    const cm = rollup(c.id);
    if (!cm) throw new Fail(501, 'not_implemented', '同类对照服务只实现了汇总表中的覆盖报告');
    children.push({ id: c.id, kind: c.kind, name: c.name, metrics: cm.metrics });
  }
  return { place: p, metrics: m.metrics, children, as_of: m.asOf };
}));

fastify.listen({ host: '127.0.0.1', port: Number(portArg) }, (err) => {
  if (err) { console.error(err.message); process.exit(1); }
  if (cluster.isWorker) process.send('ready');
  else console.log(`peer listening on ${portArg}`);
});
