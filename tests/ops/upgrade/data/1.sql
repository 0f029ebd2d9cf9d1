-- Representative rows of schema version 1 (platform core and identity), written with that
-- version's columns. Ids from 1000 so PostgreSQL's identity sequences never collide with them.
INSERT INTO places(id, parent_id, kind, code, name, path, district_id, created_at) VALUES
  (1000, NULL, 'city', '420200', '升级市', '/1000/', NULL, 1790000000),
  (1001, 1000, 'district', '420202', '升级区', '/1000/1001/', 1001, 1790000000),
  (1002, 1001, 'street', '420202001', '升级街道', '/1000/1001/1002/', 1001, 1790000000),
  (1003, 1002, 'community', '420202001001', '升级社区', '/1000/1001/1002/1003/', 1001, 1790000000),
  (1004, 1003, 'grid', '420202001001001', '第一网格', '/1000/1001/1002/1003/1004/', 1001, 1790000000),
  (1005, 1004, 'building', '420202001001001001', '1 栋', '/1000/1001/1002/1003/1004/1005/', 1001, 1790000000),
  (1006, 1005, 'household', '420202001001001001101', '101 室', '/1000/1001/1002/1003/1004/1005/1006/', 1001, 1790000000);
INSERT INTO people(id, place_id, name, gender, birth_year, phone_mask, id_mask, address_mask, district_id, created_at, updated_at) VALUES
  (1000, 1006, '升级居民', 'F', 1956, '138****0000', '', '', 1001, 1790000000, 1790000000);
INSERT INTO users(id, username, password_hash, display_name, person_id, must_change_password, created_at, updated_at) VALUES
  (1000, 'up_admin', '@PWHASH@', '升级管理员', NULL, 0, 1790000000, 1790000000),
  (1001, 'up_jumin', '@PWHASH@', '升级居民', 1000, 0, 1790000000, 1790000000);
INSERT INTO grants(id, user_id, role, place_id, created_at) VALUES
  (1000, 1000, 'admin', 1000, 1790000000),
  (1001, 1001, 'resident', 1006, 1790000000);
INSERT INTO outbox(id, channel, recipient, subject, body, created_at, due_at, attempts, delivered_at) VALUES
  (1000, 'sms', 'user:1001', '升级测试', '待发送的通知', 1790000000, 1790000000, 0, NULL),
  (1001, 'sms', 'user:1001', '升级测试', '已发送的通知', 1790000000, 1790000000, 1, 1790000100);
INSERT INTO audit_log(id, at, user_id, role, action, object, ip, outcome, detail) VALUES
  (1000, 1790000000, 1000, 'admin', 'users.create', 'users/1001', '127.0.0.1', 'ok', ''),
  (1001, 1790000001, 1001, 'resident', 'session.create', 'up_jumin', '127.0.0.1', 'ok', '');
