-- Version 2 (registry): both lines' organisations, a member, a post, an activity.
INSERT INTO orgs(id, code, name, kind, line, place_id, district_id, created_at) VALUES
  (1000, 'UPG-P-1003', '升级社区党委', 'community_party', 'party', 1003, 1001, 1790000000),
  (1001, 'UPG-G-1003', '升级社区居委会', 'residents_committee', 'governance', 1003, 1001, 1790000000);
INSERT INTO party_members(person_id, branch_org_id, status, central_household, joined_year, district_id) VALUES
  (1000, 1000, 'retired', 1, 1980, 1001);
INSERT INTO positions(id, person_id, org_id, post, started_at) VALUES (1000, 1000, 1001, 'committee_member', 1790000000);
INSERT INTO org_activities(id, org_id, held_at, title) VALUES (1000, 1000, 1790000000, '主题党日');
