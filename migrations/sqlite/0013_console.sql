-- Console reads at city scale (issue 14): reports that summed the whole ledger read these.
-- The issuers' reconciliation sums balances per community and kind; accounts that never
-- moved add nothing, so only the others are indexed (with the balances: covering).
CREATE INDEX points_accounts_held ON points_accounts(community_id, kind, credits_posted,
	debits_posted, debits_pending)
	WHERE credits_posted <> 0 OR debits_posted <> 0 OR debits_pending <> 0;
-- Earnings summed per issuing account without reading each transfer's row.
CREATE INDEX points_transfers_code ON points_transfers(code, debit_account, phase, amount);
-- Lists of one kind of organisation (the property companies rated by residents) start
-- from that kind instead of the city's places.
CREATE INDEX orgs_kind ON orgs(kind, place_id);
