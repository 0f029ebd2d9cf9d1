-- Version 4 (cases): an open case with its event, and a 12345 token with a webhook.
INSERT INTO api_tokens(id, name, token_hash, scope, created_at, expires_at, webhook_url) VALUES
  (1000, '12345 热线', 'upgrade-test-token-hash', '12345', 1790000000, 1990000000, 'https://12345.example.gov.cn/hook');
INSERT INTO cases(id, category, title, description, place_id, community_id, handling_place_id, status, channel,
                  reporter_user_id, reporter_person_id, due_at, sla_due_at, dispatch_due_at, created_at, updated_at, district_id) VALUES
  (1000, 'sanitation', '升级测试诉求', '楼道堆物（升级前提交）', 1006, 1003, 1003, 'submitted', 'mobile',
   1001, 1000, 1990000000, 1990000000, 1990000000, 1790000000, 1790000000, 1001);
INSERT INTO case_events(id, case_id, action, from_status, to_status, actor_user_id, actor_role, place_id, text, created_at, district_id) VALUES
  (1000, 1000, 'create', '', 'submitted', 1001, 'resident', 1003, '楼道堆物（升级前提交）', 1790000000, 1001);
